import type { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ExecutionState,
  RUN_STATE_WINDOW,
  runStateQuery,
  type RunContinuation,
  type RuntimeWorkflowExecution,
} from '@ordo/core';
import { Worker } from '@temporalio/worker';
import { pollUntil, startDevServer, workflowBundle } from '@ordo/testing';
import {
  createJob,
  getJob,
  json,
  startApiStack,
  startJob,
  toolStepDefinition,
  waitForEnd,
  waitForJob,
  type ApiStack,
} from './harness';

/** Temporal suggests continue-as-new past this many events: a run of 300 steps continues as new about 15 times. */
const SUGGEST_AFTER = 120;

type History = Awaited<ReturnType<ReturnType<Client['workflow']['getHandle']>['fetchHistory']>>;

/** One execution of a job run's chain, as Temporal recorded it. */
interface Execution {
  runId: string;
  events: number;
  status: string;
  continued?: RunContinuation;
}

/** The executions of a job run, in order, followed from its first through each continue-as-new. */
async function chainOf(client: Client, jobId: string, firstRunId: string): Promise<Execution[]> {
  const chain: Execution[] = [];
  let runId: string | undefined = firstRunId;
  while (runId !== undefined) {
    const history: History = await client.workflow.getHandle(jobId, runId).fetchHistory();
    const events = history.events ?? [];
    const started = events[0]?.workflowExecutionStartedEventAttributes;
    const input = started?.input?.payloads?.[0]?.data;
    const arg = input ? (JSON.parse(Buffer.from(input).toString('utf8')) as { continued?: RunContinuation }) : {};
    const last = events.at(-1);
    const next: string | undefined =
      last?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
    const status = (await client.workflow.getHandle(jobId, runId).describe()).status.name;
    chain.push({ runId, events: events.length, status, ...(arg.continued && { continued: arg.continued }) });
    runId = next;
  }
  return chain;
}

/**
 * A job longer than one Temporal history: the run continues as new when Temporal suggests it
 * (here after 120 events), carrying its state by reference, and every view, pause, resume
 * and cancel behaves across the boundaries as in one execution.
 */
describe('a run that continues as new', () => {
  let env: TestWorkflowEnvironment;
  let stack: ApiStack;

  beforeAll(async () => {
    env = await startDevServer({ suggestContinueAsNewAfterEvents: SUGGEST_AFTER });
    stack = await startApiStack('long-run', {
      temporal: { address: env.address, namespace: env.namespace ?? 'default' },
    });
  }, 60_000);
  afterAll(async () => {
    await stack?.stop();
    await env?.teardown();
  });

  /** 150 counting steps, a confirmation, 148 more, and a last step that reads variables and `__steps__` of the first execution. */
  const counted = (id: string, first: boolean) =>
    toolStepDefinition(id, 'noop', { value: first ? { const: 1 } : { expr: 'count + 1' } }, { value: 'count' });
  const steps = [
    ...Array.from({ length: 150 }, (_, i) => counted(`s${i + 1}`, i === 0)),
    {
      step_id: 'gate',
      type: 'sys.human_confirm',
      confirm: {
        prompt: 'Go on?',
        schema: { type: 'object', properties: { go: { type: 'boolean' } }, required: ['go'] },
      },
      output_mappings: { go: 'went_on' },
    },
    ...Array.from({ length: 148 }, (_, i) => counted(`s${i + 151}`, false)),
    toolStepDefinition(
      'final',
      'noop',
      {
        value: {
          count: { var: 'count' },
          first: { expr: '__steps__.s1.outputData.value' },
          went_on: { var: 'went_on' },
        },
      },
      { value: 'result' },
    ),
  ];
  const definition = { steps, output_variables: ['result'] };

  const executionState = async (jobId: string) =>
    ExecutionState.parse(await (await stack.request(`/v1/jobs/${jobId}/execution-state`)).json());
  const runtime = async (jobId: string) =>
    (await (await stack.request(`/v1/jobs/${jobId}/execution`)).json()) as RuntimeWorkflowExecution;
  const control = async (jobId: string, action: string, body?: unknown) => {
    const res = await stack.request(`/v1/jobs/${jobId}/${action}`, json('POST', body));
    expect(res.status, await res.clone().text()).toBeLessThan(300);
  };
  const historyLength = async (jobId: string) =>
    (await stack.client.workflow.getHandle(jobId).describe()).historyLength;

  it('runs 300 steps over several executions: views, variables, __steps__, pause and resume across a boundary, output_data', async () => {
    const job = await createJob(stack, definition);
    const started = await startJob(stack, job.job_id);
    const runId = started.runs[0]!.run_id;

    const waiting = await waitForJob(stack, job.job_id, (j) => j.steps[150]?.status === 'RUNNING');
    const before = await chainOf(stack.client, job.job_id, runId);
    expect(before.length).toBeGreaterThanOrEqual(5);
    expect(before.slice(0, -1).every((e) => e.status === 'CONTINUED_AS_NEW')).toBe(true);
    // Each continuation is a few fields, whatever the run holds; the run stays the chain's first.
    for (const e of before.slice(1))
      expect(e.continued).toMatchObject({ run_id: runId, prepared: true, paused: false });

    // The views at the confirmation: 150 steps done, in executions long gone, composed from the store.
    expect(waiting.status).toBe('RUNNING');
    expect(waiting.execution_progress).toEqual({ current_step: 150, total_steps: 300, is_paused: false });
    expect(runLengths(waiting.steps.map((s) => s.status))).toEqual(['COMPLETED x150', 'RUNNING x1', 'PENDING x149']);
    expect(waiting.steps[0]?.output_data).toEqual({ value: 1 });
    const state = await executionState(job.job_id);
    expect(state).toMatchObject({
      status: 'RUNNING',
      current_step_index: 150,
      total_steps: 300,
      is_paused: false,
      variables: { count: 150 },
    });
    expect(state.step_results.map((r) => r.step_id)).toEqual(steps.slice(0, 150).map((s) => s.step_id));
    expect(state.step_results.every((r, i) => r.success && r.outputs.value === i + 1)).toBe(true);
    const view = await runtime(job.job_id);
    expect(runLengths(Object.values(view.steps).map((s) => s.status))).toEqual([
      'Completed x150',
      'InProgress x1',
      'NotStarted x149',
    ]);
    expect(view.runtimeStatus).toBe('InProgress');
    // The workflow itself answers a bounded window of its steps.
    const answered = await stack.client.workflow.getHandle(job.job_id).query(runStateQuery);
    expect(answered.steps.length).toBeLessThanOrEqual(RUN_STATE_WINDOW.max_steps);
    expect(answered.steps.at(-1)?.index).toBeLessThan(300);
    expect(answered.variables).toEqual({ count: 150 });

    // Pause and resume (through the API's update) until Temporal suggests continuing, ending paused:
    // the confirmation then ends the step, and the run continues as new while paused.
    let paused = false;
    while (!paused || (await historyLength(job.job_id)) < SUGGEST_AFTER + 5) {
      await control(job.job_id, paused ? 'resume' : 'pause');
      paused = !paused;
    }
    expect((await getJob(stack, job.job_id)).execution_progress.is_paused).toBe(true);
    const confirmed = await stack.request(
      `/v1/jobs/${job.job_id}/steps/gate/confirm`,
      json('POST', { payload: { go: true } }),
    );
    expect(confirmed.status, await confirmed.clone().text()).toBe(200);
    const held = await waitForJob(stack, job.job_id, (j) => j.live_output === 'Paused before step 152 of 300');
    expect(held.execution_progress).toEqual({ current_step: 151, total_steps: 300, is_paused: true });
    expect(held.steps[150]?.status).toBe('COMPLETED');
    const afterPause = await chainOf(stack.client, job.job_id, runId);
    expect(afterPause.length).toBe(before.length + 1);
    expect(afterPause.at(-1)?.continued).toMatchObject({ from: 151, paused: true });
    // Still paused a while later, in the new execution.
    await new Promise((r) => setTimeout(r, 500));
    expect((await getJob(stack, job.job_id)).execution_progress).toEqual({
      current_step: 151,
      total_steps: 300,
      is_paused: true,
    });
    await control(job.job_id, 'resume');

    const done = await waitForEnd(stack, job.job_id, 120_000);
    expect(done.status, done.error_message).toBe('COMPLETED');
    expect(done.output_data).toEqual({ result: { count: 298, first: 1, went_on: true } });
    expect(done.steps.every((s) => s.status === 'COMPLETED')).toBe(true);
    expect(done.steps[299]?.output_data).toEqual({ value: { count: 298, first: 1, went_on: true } });
    expect(done.execution_progress).toEqual({ current_step: 299, total_steps: 300, is_paused: false });
    expect(done.runs).toEqual([expect.objectContaining({ run_id: runId, status: 'COMPLETED' })]);
    const final = await executionState(job.job_id);
    expect(final.step_results).toHaveLength(300);
    expect(final.variables).toMatchObject({ count: 298, went_on: true });
    expect(Object.values((await runtime(job.job_id)).steps).every((s) => s.status === 'Completed')).toBe(true);
    const chain = await chainOf(stack.client, job.job_id, runId);
    expect(chain.at(-1)?.status).toBe('COMPLETED');
    expect(chain.length).toBeGreaterThanOrEqual(10);
    // Every execution stayed near the suggestion: continue-as-new keeps the histories short.
    expect(Math.max(...chain.map((e) => e.events))).toBeLessThan(SUGGEST_AFTER + 40);
    // And every one of them replays: a continued execution begins with a local activity
    // (resumeRun) whose result may come in a workflow task of its own, and the code must ask
    // its patches where the history holds their markers (a query to an execution the worker
    // no longer caches, or a restarted worker, replays it).
    const failures: string[] = [];
    for (const execution of chain) {
      const history = await stack.client.workflow.getHandle(job.job_id, execution.runId).fetchHistory();
      await Worker.runReplayHistory({ workflowBundle: workflowBundle() }, history, execution.runId).catch(
        (err: unknown) => failures.push(`${execution.runId}: ${String(err)}`),
      );
    }
    expect(failures).toEqual([]);
  }, 180_000);

  it('cancels a run that has continued as new: FAILED "Job cancelled by user", Temporal status Cancelled', async () => {
    const job = await createJob(stack, definition);
    const runId = (await startJob(stack, job.job_id)).runs[0]!.run_id;
    await waitForJob(stack, job.job_id, (j) => j.steps[150]?.status === 'RUNNING');
    expect((await chainOf(stack.client, job.job_id, runId)).length).toBeGreaterThanOrEqual(5);

    await control(job.job_id, 'cancel');
    const cancelled = await waitForEnd(stack, job.job_id);
    expect(cancelled.status).toBe('FAILED');
    expect(cancelled.error_message).toBe('Job cancelled by user');
    expect(runLengths(cancelled.steps.map((s) => s.status))).toEqual(['COMPLETED x150', 'FAILED x1', 'PENDING x149']);
    expect(cancelled.runs).toEqual([expect.objectContaining({ run_id: runId, status: 'FAILED', cancelled: true })]);
    const chain = await pollUntil(
      () => chainOf(stack.client, job.job_id, runId),
      (c) => c.at(-1)?.status === 'CANCELLED',
      { timeoutMs: 10_000, intervalMs: 200 },
    );
    expect(chain.slice(0, -1).every((e) => e.status === 'CONTINUED_AS_NEW')).toBe(true);
    expect((await executionState(job.job_id)).step_results).toHaveLength(151);
  }, 120_000);

  it('retries a run that failed late from its failed step, holding only the earlier records its steps name', async () => {
    const job = await createJob(stack, {
      steps: [
        ...Array.from({ length: 130 }, (_, i) => counted(`s${i + 1}`, i === 0)),
        toolStepDefinition('boom', 'fail', {
          code: 'DELIBERATE_FAILURE',
          message: { expr: "'first was ' & $string(__steps__.s1.outputData.value) & ', count ' & $string(count)" },
        }),
      ],
    });
    await startJob(stack, job.job_id);
    const failed = await waitForEnd(stack, job.job_id);
    expect(failed).toMatchObject({ status: 'FAILED', error_message: 'first was 1, count 130' });

    const retried = await stack.request(`/v1/jobs/${job.job_id}/retry`, json('POST'));
    expect(retried.status, await retried.clone().text()).toBe(202);
    const again = await waitForJob(stack, job.job_id, (j) => j.runs.length === 2 && j.status === 'FAILED');
    // The retry read s1's record and the variables of the 130 steps it reused, without running them.
    expect(again.error_message).toBe('first was 1, count 130');
    expect(again.steps.filter((step) => step.status === 'COMPLETED')).toHaveLength(130);
    const retryRun = again.runs[1]!.run_id;
    const chain = await chainOf(stack.client, job.job_id, retryRun);
    const history = await stack.client.workflow.getHandle(job.job_id, chain[0]!.runId).fetchHistory();
    const events = history.events ?? [];
    expect(events.filter((e) => e.activityTaskScheduledEventAttributes)).toHaveLength(1);
    // beginRun's answer (a marker) carries s1's record, not the 130 it reused: it does not grow with the steps done.
    const markerBytes = events
      .filter((e) => e.markerRecordedEventAttributes)
      .map((e) => JSON.stringify(e.markerRecordedEventAttributes).length);
    expect(Math.max(...markerBytes)).toBeLessThan(16 * 1024);
  });
});

/** A list as runs of equal items (`COMPLETED x150`), so a mismatch reads at a glance. */
function runLengths(items: readonly string[]): string[] {
  const runs: string[] = [];
  let last: string | undefined;
  let count = 0;
  for (const item of [...items, undefined]) {
    if (item === last) {
      count++;
      continue;
    }
    if (last !== undefined) runs.push(`${last} x${count}`);
    last = item;
    count = 1;
  }
  return runs;
}
