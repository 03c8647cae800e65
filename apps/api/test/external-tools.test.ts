import { ApplicationFailure, CancelledFailure, Context } from '@temporalio/activity';
import { Worker, type NativeConnection } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectWorker, uniqueTaskQueue } from '@ordo/testing';
import {
  createJob,
  getJob,
  json,
  startJob,
  startApiStack,
  toolStepDefinition,
  waitForEnd,
  waitForJob,
  type ApiStack,
} from './harness';

const object = (properties: Record<string, unknown>, required: string[] = Object.keys(properties)) => ({
  type: 'object',
  properties,
  required,
});

/** A registration body for a tool served on `taskQueue`. */
const registration = (taskQueue: string, extra: Record<string, unknown> = {}) => ({
  version: '1.0.0',
  name: 'External test tool',
  description: 'A plain Temporal activity on another task queue',
  parameters: object({ text: { type: 'string' } }),
  outputs: object({ upper: { type: 'string' }, length: { type: 'integer' } }),
  task_queue: taskQueue,
  defaults: { retry_policy: { maximum_attempts: 3, initial_interval_ms: 200 } },
  ...extra,
});

/**
 * Issue 17, "Dispatch": a step of a tool registered through the API is sent to the tool's own
 * task queue, where a plain Temporal worker that knows nothing of Ordo serves it: one argument
 * (the parameters object) in, the outputs object out, and everything a built-in tool step has.
 */
describe('external tools', () => {
  let stack: ApiStack;
  let connection: NativeConnection;
  let worker: Worker;
  let running: Promise<void>;
  const queue = uniqueTaskQueue('external-tools');
  const calls: { activity: string; args: unknown[]; workflowId: string; attempt: number }[] = [];
  let cancelledSeen = false;
  /** Jobs whose `ext_once` step has failed once: their retry succeeds. */
  const failedOnce = new Set<string>();

  beforeAll(async () => {
    stack = await startApiStack('external-tools');
    const note = (activity: string, args: unknown[]) => {
      const info = Context.current().info;
      calls.push({ activity, args, workflowId: info.workflowExecution?.workflowId ?? '', attempt: info.attempt });
    };
    connection = await connectWorker();
    worker = await Worker.create({
      connection,
      namespace: stack.client.options.namespace,
      taskQueue: queue,
      activities: {
        async ext_shout(...args: unknown[]) {
          note('ext_shout', args);
          const { text } = args[0] as { text: string };
          Context.current().heartbeat({ message: 'shouting', fraction: 0.5 });
          await Context.current().sleep(10);
          return { upper: text.toUpperCase(), length: text.length };
        },
        ext_flaky(...args: unknown[]) {
          note('ext_flaky', args);
          if (Context.current().info.attempt === 1)
            return Promise.reject(ApplicationFailure.retryable('the service is busy', 'SERVICE_BUSY'));
          const { text } = args[0] as { text: string };
          return Promise.resolve({ upper: text.toUpperCase(), length: text.length });
        },
        ext_broken(...args: unknown[]) {
          note('ext_broken', args);
          return Promise.reject(ApplicationFailure.nonRetryable('the text is not a sentence', 'NOT_A_SENTENCE'));
        },
        ext_liar(...args: unknown[]) {
          note('ext_liar', args);
          return Promise.resolve({ upper: 'X', length: 'three' });
        },
        ext_once(...args: unknown[]) {
          note('ext_once', args);
          const jobId = Context.current().info.workflowExecution?.workflowId ?? '';
          if (!failedOnce.has(jobId)) {
            failedOnce.add(jobId);
            return Promise.reject(ApplicationFailure.nonRetryable('not yet', 'NOT_YET'));
          }
          const { text } = args[0] as { text: string };
          return Promise.resolve({ upper: text.toUpperCase(), length: text.length });
        },
        async ext_pausable(...args: unknown[]) {
          note('ext_pausable', args);
          const context = Context.current();
          for (let i = 1; i <= 20; i++) {
            context.heartbeat({ message: `part ${i} of 20`, fraction: i / 20 });
            await context.sleep(100);
          }
          const { text } = args[0] as { text: string };
          return { upper: text.toUpperCase(), length: text.length };
        },
        async ext_slow(...args: unknown[]) {
          note('ext_slow', args);
          const context = Context.current();
          try {
            for (let i = 1; i <= 600; i++) {
              context.heartbeat({ message: `working on part ${i}`, fraction: i / 600 });
              await context.sleep(100);
            }
          } catch (err) {
            if (err instanceof CancelledFailure) cancelledSeen = true;
            throw err;
          }
          return { upper: '', length: 0 };
        },
      },
    });
    running = worker.run();
    for (const tool of ['ext_shout', 'ext_flaky', 'ext_broken', 'ext_liar', 'ext_slow', 'ext_once', 'ext_pausable']) {
      const res = await stack.request(
        `/v1/tools/${tool}`,
        json(
          'PUT',
          // ext_flaky's retry waits 5 s: long enough to see the watcher say so.
          registration(queue, {
            defaults: {
              retry_policy: { maximum_attempts: 3, initial_interval_ms: tool === 'ext_flaky' ? 5000 : 1500 },
              // A worker sends heartbeats at most every 80% of this: a cancel reaches ext_slow within ~2.4 s.
              ...(tool === 'ext_slow' && { heartbeat_timeout_seconds: 3 }),
            },
          }),
        ),
      );
      expect(res.status, await res.clone().text()).toBe(201);
    }
    // On a queue no worker polls, with a schedule-to-start bound.
    const orphan = await stack.request(
      '/v1/tools/ext_orphan',
      json(
        'PUT',
        registration(uniqueTaskQueue('external-orphan'), { defaults: { schedule_to_start_timeout_seconds: 6 } }),
      ),
    );
    expect(orphan.status, await orphan.clone().text()).toBe(201);
  });
  afterAll(async () => {
    worker?.shutdown();
    await running;
    await connection?.close();
    await stack?.stop();
  });

  /** A job of one step of `tool` after a built-in step, its text from an input. */
  const jobOf = (tool: string, text = 'hello world') =>
    createJob(
      stack,
      {
        input_variables: [{ name: 'text', variable_id: 'text', schema: { type: 'string' }, required: true }],
        steps: [toolStepDefinition('ext', tool, { text: 'text' }, { upper: 'upper', length: 'length' })],
        output_variables: ['upper', 'length'],
      },
      { text },
    );

  it('runs a step on the tool’s task queue with the parameters object as its one argument', async () => {
    const job = await jobOf('ext_shout');
    await startJob(stack, job.job_id);
    const ended = await waitForEnd(stack, job.job_id);
    expect(ended.status, ended.error_message).toBe('COMPLETED');
    expect(ended.output_data).toEqual({ upper: 'HELLO WORLD', length: 11 });
    expect(ended.steps[0]).toMatchObject({ status: 'COMPLETED', attempt: 1 });
    const call = calls.find((c) => c.activity === 'ext_shout' && c.workflowId === job.job_id);
    // Exactly one argument, the JSON object of its parameters; the job visible as the workflow ID.
    expect(call?.args).toEqual([{ text: 'hello world' }]);
  });

  it('retries a transient failure, the second attempt visible on the step', async () => {
    const job = await jobOf('ext_flaky');
    await startJob(stack, job.job_id);
    // While the retry waits out its backoff, the step says why and when, not that no worker polls.
    const backingOff = await waitForJob(stack, job.job_id, (j) => /Attempt 1 failed/.test(j.live_output));
    expect(backingOff.live_output).toContain('the service is busy');
    expect(backingOff.live_output).not.toContain('Waiting for a worker');
    const ended = await waitForEnd(stack, job.job_id);
    expect(ended.status, ended.error_message).toBe('COMPLETED');
    expect(ended.steps[0]).toMatchObject({ status: 'COMPLETED', attempt: 2 });
    expect(
      calls.filter((c) => c.activity === 'ext_flaky' && c.workflowId === job.job_id).map((c) => c.attempt),
    ).toEqual([1, 2]);
  });

  it('ends the job with a non-retryable failure’s type and message, after one attempt', async () => {
    const job = await jobOf('ext_broken');
    await startJob(stack, job.job_id);
    const ended = await waitForEnd(stack, job.job_id);
    expect(ended.status).toBe('FAILED');
    expect(ended.error_message).toContain('the text is not a sentence');
    expect(ended.steps[0]).toMatchObject({ status: 'FAILED', attempt: 1 });
    expect(calls.filter((c) => c.activity === 'ext_broken' && c.workflowId === job.job_id)).toHaveLength(1);
  });

  it('fails the step when the outputs do not match the registered schema, naming the field', async () => {
    const job = await jobOf('ext_liar');
    await startJob(stack, job.job_id);
    const ended = await waitForEnd(stack, job.job_id);
    expect(ended.status).toBe('FAILED');
    expect(ended.error_message).toMatch(/registered schema.*length/);
  });

  it('shows heartbeat progress in live_output and its fraction on the step, and a cancel reaches the running tool', async () => {
    const job = await jobOf('ext_slow');
    await startJob(stack, job.job_id);
    const progressing = await waitForJob(stack, job.job_id, (j) => /working on part \d+/.test(j.live_output), 60_000);
    expect(progressing.status).toBe('RUNNING');
    // The fraction of the same heartbeat, stored beside its message.
    const part = Number(/working on part (\d+)/.exec(progressing.live_output)?.[1]);
    expect(progressing.steps[0]?.progress_fraction).toBe(part / 600);
    const cancel = await stack.request(`/v1/jobs/${job.job_id}/cancel`, json('POST'));
    expect(cancel.status, await cancel.clone().text()).toBeLessThan(300);
    const ended = await waitForEnd(stack, job.job_id);
    // A cancelled job ends FAILED, its run marked cancelled (seed 002).
    expect(ended).toMatchObject({ status: 'FAILED', error_message: 'Job cancelled by user' });
    expect(ended.runs[0]?.cancelled).toBe(true);
    expect(ended.steps[0]?.progress_fraction).toBeUndefined();
    // The tool learnt of it the Temporal way (a heartbeat answered with a cancellation), and stopped.
    expect(cancelledSeen).toBe(true);
  });

  it('says a step waits for a worker, and fails it after its schedule-to-start timeout', async () => {
    const job = await jobOf('ext_orphan');
    await startJob(stack, job.job_id);
    const waiting = await waitForJob(stack, job.job_id, (j) => /Waiting for a worker/.test(j.live_output), 30_000);
    expect(waiting.live_output).toContain("tool 'ext_orphan'");
    const ended = await waitForEnd(stack, job.job_id, 60_000);
    expect(ended.status).toBe('FAILED');
    expect(ended.error_message).toMatch(/No worker of tool 'ext_orphan' .* within 6 s/);
    expect((await getJob(stack, job.job_id)).steps[0]?.status).toBe('FAILED');
  });

  it('pauses at the boundary after a running external step, and resumes', async () => {
    const job = await createJob(
      stack,
      {
        input_variables: [{ name: 'text', variable_id: 'text', schema: { type: 'string' }, required: true }],
        steps: [
          toolStepDefinition('first', 'ext_pausable', { text: 'text' }, { upper: 'upper' }),
          toolStepDefinition('second', 'ext_shout', { text: 'upper' }, { length: 'length' }),
        ],
        output_variables: ['upper', 'length'],
      },
      { text: 'pause me' },
    );
    await startJob(stack, job.job_id);
    await waitForJob(stack, job.job_id, (j) => j.steps[0]?.status === 'RUNNING');
    const paused = await stack.request(`/v1/jobs/${job.job_id}/pause`, json('POST'));
    expect(paused.status, await paused.clone().text()).toBe(200);
    // The running tool finishes its step; the second waits.
    const held = await waitForJob(
      stack,
      job.job_id,
      (j) => j.steps[0]?.status === 'COMPLETED' && j.execution_progress.is_paused,
    );
    expect(held.steps[1]?.status).toBe('PENDING');
    const resumed = await stack.request(`/v1/jobs/${job.job_id}/resume`, json('POST'));
    expect(resumed.status, await resumed.clone().text()).toBe(200);
    const ended = await waitForEnd(stack, job.job_id);
    expect(ended.status, ended.error_message).toBe('COMPLETED');
    expect(ended.output_data).toEqual({ upper: 'PAUSE ME', length: 8 });
  });

  it('retries a job from its failed external step, reusing the steps before it', async () => {
    const job = await createJob(
      stack,
      {
        input_variables: [{ name: 'text', variable_id: 'text', schema: { type: 'string' }, required: true }],
        steps: [
          toolStepDefinition('first', 'ext_shout', { text: 'text' }, { upper: 'upper' }),
          toolStepDefinition('second', 'ext_once', { text: 'upper' }, { length: 'length' }),
        ],
        output_variables: ['upper', 'length'],
      },
      { text: 'again' },
    );
    await startJob(stack, job.job_id);
    const failed = await waitForEnd(stack, job.job_id);
    expect(failed).toMatchObject({ status: 'FAILED', error_message: expect.stringContaining('not yet') as string });
    const retry = await stack.request(`/v1/jobs/${job.job_id}/retry`, json('POST'));
    expect(retry.status, await retry.clone().text()).toBe(202);
    const ended = await waitForJob(
      stack,
      job.job_id,
      (j) => j.status === 'COMPLETED' || (j.status === 'FAILED' && j.runs.length > 1),
    );
    expect(ended.status, ended.error_message).toBe('COMPLETED');
    expect(ended.output_data).toEqual({ upper: 'AGAIN', length: 5 });
    // The first step was reused, not run again.
    expect(calls.filter((c) => c.activity === 'ext_shout' && c.workflowId === job.job_id)).toHaveLength(1);
  });
});
