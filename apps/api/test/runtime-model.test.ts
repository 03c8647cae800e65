import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { confirmUpdate, type RuntimeWorkflowExecution } from '@ordo/core';
import { pollUntil } from '@ordo/testing';
import {
  createJob,
  json,
  problem,
  startApiStack,
  startJob,
  toolStepDefinition,
  waitForEnd,
  waitForJob,
  type ApiStack,
} from './harness';

/** Seed 001's runtime model against the real server (docs/contract.md): expressions, `__steps__`, activation policies, confirmations. */
describe('runtime model: expressions, activation policies and confirmations', () => {
  let stack: ApiStack;

  beforeAll(async () => {
    stack = await startApiStack('runtime-model');
  });
  afterAll(async () => stack.stop());

  /** A verify step (a person confirms `verified`), then steps that run or not on what they said. */
  const verifySteps = [
    {
      step_id: 'verify',
      type: 'sys.human_confirm',
      confirm: {
        prompt: 'Is the document genuine?',
        schema: { type: 'object', properties: { verified: { type: 'boolean' } }, required: ['verified'] },
      },
    },
    toolStepDefinition(
      'publish',
      'noop',
      { value: { expr: "'published ' & __context__.job_id" } },
      { value: 'published' },
      { activation_policy: { when: '__steps__.verify.outputData.verified' } },
    ),
    toolStepDefinition(
      'archive',
      'noop',
      { value: { const: 'archived' } },
      { value: 'archived' },
      { activation_policy: { when: '$not(__steps__.verify.outputData.verified)' } },
    ),
    toolStepDefinition(
      'report',
      'noop',
      {
        value: {
          status: { expr: "$exists(published) ? 'published' : 'not published'" },
          archived: { var: 'archived' },
        },
      },
      { value: 'report' },
    ),
  ];

  /** Straight to the workflow's `confirm` update, as another team's client would. */
  async function confirm(jobId: string, stepId: string, payload?: unknown) {
    return stack.client.workflow.getHandle(jobId).executeUpdate(confirmUpdate, {
      args: [{ step_id: stepId, ...(payload !== undefined && { payload: payload as never }) }],
    });
  }

  /** Through the API. */
  const confirmed = (jobId: string, stepId: string, body: unknown) =>
    stack.request(`/v1/jobs/${jobId}/steps/${stepId}/confirm`, json('POST', body));

  async function refusal(jobId: string, stepId: string, payload?: unknown): Promise<string> {
    const err = await confirm(jobId, stepId, payload).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
    const cause = (err as WorkflowUpdateFailedError).cause;
    expect(cause).toBeInstanceOf(ApplicationFailure);
    expect((cause as ApplicationFailure).type).toBe('CONFIRMATION_REFUSED');
    return (cause as ApplicationFailure).message;
  }

  it('decides with __steps__.verify.outputData.verified which later step is Disabled, and records why', async () => {
    const job = await createJob(stack, { steps: verifySteps, output_variables: ['report'] });
    await startJob(stack, job.job_id);
    const waiting = await waitForJob(stack, job.job_id, (j) => j.steps[0]?.status === 'RUNNING');
    expect(waiting.live_output).toContain('waiting for confirmation: Is the document genuine?');

    // The workflow's own validator refuses what the API would, for callers that go straight to Temporal.
    expect(await refusal(job.job_id, 'publish', { verified: true })).toBe(
      "step 'publish' is not waiting for a confirmation",
    );
    expect(await refusal(job.job_id, 'verify', { verified: 'yes' })).toBe(
      'payload.verified must be true or false (a JSON boolean), got the string "yes"',
    );
    expect(await refusal(job.job_id, 'verify', [1])).toBe('payload must be a JSON object');
    // The API refuses before sending anything.
    expect(
      (await problem(await confirmed(job.job_id, 'verify', { payload: { verified: 'yes' } }), 422)).errors,
    ).toEqual([
      { field: 'payload', message: 'payload.verified must be true or false (a JSON boolean), got the string "yes"' },
    ]);
    expect((await problem(await confirmed(job.job_id, 'publish', {}), 422)).errors?.[0]?.field).toBe('step_id');
    await problem(await confirmed(job.job_id, 'nope', {}), 404);
    const runtimeWaiting = (await (
      await stack.request(`/v1/jobs/${job.job_id}/execution`)
    ).json()) as RuntimeWorkflowExecution;
    expect(Object.values(runtimeWaiting.steps).map((s) => [s.stepId, s.status])).toEqual([
      ['verify', 'InProgress'],
      ['publish', 'NotStarted'],
      ['archive', 'NotStarted'],
      ['report', 'NotStarted'],
    ]);
    expect((await confirmed(job.job_id, 'verify', { payload: { verified: true } })).status).toBe(200);
    expect((await problem(await confirmed(job.job_id, 'verify', { payload: { verified: true } }), 409)).code).toMatch(
      /^(STEP_NOT_WAITING|JOB_NOT_RUNNING)$/,
    );

    const done = await waitForEnd(stack, job.job_id);
    expect(done.status).toBe('COMPLETED');
    expect(done.steps.map((s) => [s.step_id, s.status])).toEqual([
      ['verify', 'COMPLETED'],
      ['publish', 'COMPLETED'],
      ['archive', 'DISABLED'],
      ['report', 'COMPLETED'],
    ]);
    expect(done.steps[0]?.output_data).toEqual({ verified: true });
    expect(done.steps[1]?.output_data).toEqual({ value: `published ${job.job_id}` });
    expect(done.output_data).toEqual({ report: { status: 'published' } });

    const stored = await stack.store.jobs.getStored(job.job_id);
    expect(stored?.run?.steps[2]).toMatchObject({
      status: 'Disabled',
      note: 'activation_policy.when ($not(__steps__.verify.outputData.verified)) gave false',
    });
    const res = await stack.request(`/v1/jobs/${job.job_id}/execution`);
    expect(res.status).toBe(200);
    const runtime = (await res.json()) as RuntimeWorkflowExecution;
    expect(runtime).toMatchObject({
      id: job.job_id,
      correlationId: job.correlation_id,
      workflowTemplateVersionId: `${job.workflow_id}@1`,
    });
    expect(Object.keys(runtime.steps)).toEqual(
      ['verify', 'publish', 'archive', 'report'].map((id) => `${stored?.run?.run_id}:${id}`),
    );
    expect(runtime.runtimeStatus).toBe('Completed');
    const byStep = Object.fromEntries(Object.values(runtime.steps).map((s) => [s.stepId, s]));
    expect(byStep.verify).toMatchObject({
      type: 'sys.human_confirm',
      status: 'Completed',
      outputData: { verified: true },
    });
    expect(byStep.archive).toMatchObject({ type: 'tool', status: 'Disabled', attempt: 0 });
    expect(runtime.context).toMatchObject({
      job_id: job.job_id,
      workflow_id: job.workflow_id,
      correlation_id: job.correlation_id,
    });
  });

  it('takes the other branch when the person says no', async () => {
    const job = await createJob(stack, { steps: verifySteps, output_variables: ['report'] });
    await startJob(stack, job.job_id);
    await waitForJob(stack, job.job_id, (j) => j.steps[0]?.status === 'RUNNING');
    expect((await confirmed(job.job_id, 'verify', { payload: { verified: false } })).status).toBe(200);
    const done = await waitForEnd(stack, job.job_id);
    expect(done.steps.map((s) => s.status)).toEqual(['COMPLETED', 'DISABLED', 'COMPLETED', 'COMPLETED']);
    expect(done.output_data).toEqual({ report: { status: 'not published', archived: 'archived' } });
  });

  it('turns a step off with enabled: false, and fails a step whose expression fails, naming the expression', async () => {
    const job = await createJob(stack, {
      steps: [
        toolStepDefinition(
          'skipped',
          'noop',
          { value: 1 },
          { value: 'skipped_value' },
          { activation_policy: { enabled: false } },
        ),
        toolStepDefinition('broken', 'noop', { value: { expr: '$number("not a number") + 1' } }),
      ],
    });
    await startJob(stack, job.job_id);
    const done = await waitForEnd(stack, job.job_id);
    expect(done.status).toBe('FAILED');
    expect(done.steps[0]?.status).toBe('DISABLED');
    expect(done.steps[1]?.status).toBe('FAILED');
    expect(done.error_message).toMatch(
      /^The expression of parameter 'value' \(\$number\("not a number"\) \+ 1\) failed: /,
    );
  });

  it('keeps search attributes current, so a job is found by status, version and correlation ID', async () => {
    const job = await createJob(stack, { steps: [{ step_id: 'hold', type: 'sys.wait', wait: { duration: '2s' } }] });
    await startJob(stack, job.job_id);
    const find = async (query: string): Promise<string[]> => {
      const ids: string[] = [];
      for await (const execution of stack.client.workflow.list({ query })) ids.push(execution.workflowId);
      return ids;
    };
    const running = `OrdoCorrelationId='${job.correlation_id}' AND OrdoJobStatus='RUNNING' AND OrdoWorkflowVersion='1' AND OrdoWorkflowId='${job.workflow_id}'`;
    expect(
      await pollUntil(
        () => find(running),
        (ids) => ids.length > 0,
        { timeoutMs: 10_000, intervalMs: 200 },
      ),
    ).toEqual([job.job_id]);
    await waitForEnd(stack, job.job_id);
    const completed = `OrdoJobId='${job.job_id}' AND OrdoJobStatus='COMPLETED'`;
    expect(
      await pollUntil(
        () => find(completed),
        (ids) => ids.length > 0,
        { timeoutMs: 10_000, intervalMs: 200 },
      ),
    ).toEqual([job.job_id]);
  });

  it('waits durably with sys.wait, dueAt set while it waits', async () => {
    const job = await createJob(stack, {
      steps: [
        { step_id: 'breathe', type: 'sys.wait', wait: { duration: '1500ms' } },
        toolStepDefinition('after', 'noop', { value: 'x' }),
      ],
    });
    await startJob(stack, job.job_id);
    await waitForJob(stack, job.job_id, (j) => j.steps[0]?.status === 'RUNNING');
    const during = await stack.store.jobs.getStored(job.job_id);
    const done = await waitForEnd(stack, job.job_id);
    expect(done.status).toBe('COMPLETED');
    const stored = await stack.store.jobs.getStored(job.job_id);
    const wait = stored?.run?.steps[0];
    expect(Date.parse(wait?.due_at ?? '') - Date.parse(wait?.started_at ?? '')).toBe(1500);
    void during;
  });
});
