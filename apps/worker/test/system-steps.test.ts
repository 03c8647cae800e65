import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { WorkflowFailedError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOB_WORKFLOW_TYPE, WorkflowDefinition, type JobWorkflowResult } from '@ordo/core';
import { openStore, type OrdoStore } from '@ordo/storage';
import { startTimeSkippingServer, tempDataDir, uniqueTaskQueue, workflowBundle } from '@ordo/testing';
import { TEST_TOOLS, TOOLS } from '@ordo/tools';
import { createWorker } from '../src/index';
import { insertJob } from './insert-job';

/**
 * `sys.wait` and `sys.human_confirm` on Temporal's time-skipping test server: a week-long
 * wait and a day-long confirmation deadline elapse at once, through real timers.
 */
describe('system steps on the time-skipping server', () => {
  let env: TestWorkflowEnvironment;
  let store: OrdoStore;
  let removeDir: () => Promise<void>;
  let worker: Worker;
  let running: Promise<void>;
  const taskQueue = uniqueTaskQueue('system-steps');

  beforeAll(async () => {
    env = await startTimeSkippingServer();
    const dir = await tempDataDir('system-steps');
    removeDir = dir.remove;
    store = await openStore({ dataDir: dir.path });
    worker = await createWorker({
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      taskQueue,
      store,
      tools: [...TOOLS, ...TEST_TOOLS],
      workflowBundle: workflowBundle(),
    });
    running = worker.run();
  }, 120_000);

  afterAll(async () => {
    worker.shutdown();
    await running;
    await store.close();
    await env.teardown();
    await removeDir();
  });

  const definition = (steps: unknown[]) =>
    WorkflowDefinition.parse({ workflow_id: 'wf_system', name: 'System steps', status: 'PUBLISHED', steps });
  const noop = (step_id: string, value: unknown) => ({
    step_id,
    tool: { tool_id: 'noop', name: 'noop' },
    parameter_mappings: { value },
    output_mappings: { value: `${step_id}_value` },
  });

  async function run(steps: unknown[]) {
    const job = await insertJob(store, definition(steps), {});
    const handle = await env.client.workflow.start(JOB_WORKFLOW_TYPE, {
      workflowId: job.job_id,
      taskQueue,
      args: [{ job_id: job.job_id }],
    });
    return { job, handle };
  }

  it('waits a week with sys.wait, with dueAt a week after the step began', async () => {
    const { handle } = await run([
      { step_id: 'pause_a_week', type: 'sys.wait', wait: { duration: '7d' } },
      noop('after', 'done'),
    ]);
    const result = (await handle.result()) as JobWorkflowResult;
    expect(result.status).toBe('Completed');
    const wait = (await store.jobs.getStored(result.job_id))?.run?.steps[0];
    expect(wait?.status).toBe('Completed');
    expect(Date.parse(wait?.due_at ?? '') - Date.parse(wait?.started_at ?? '')).toBe(7 * 86_400_000);
    expect(Date.parse(wait?.completed_at ?? '')).toBeGreaterThanOrEqual(Date.parse(wait?.due_at ?? ''));
  });

  it('fails a confirmation nobody gives by its due time (on_timeout: fail)', async () => {
    const { handle } = await run([
      { step_id: 'approve', type: 'sys.human_confirm', confirm: { prompt: 'Approve?', due_in: '1d' } },
      noop('after', 'done'),
    ]);
    const failure = await handle.result().then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    const stored = await store.jobs.getStored(handle.workflowId);
    expect(stored?.run?.steps[0]).toMatchObject({ status: 'Failed', error: { code: 'CONFIRMATION_TIMED_OUT' } });
    expect(stored?.run?.steps[1]?.status).toBe('NotStarted');
  });

  it('goes on past an unanswered confirmation with on_timeout: continue, later steps seeing no outputs', async () => {
    const { handle } = await run([
      {
        step_id: 'approve',
        type: 'sys.human_confirm',
        confirm: {
          prompt: 'Approve?',
          due_in: '2h',
          on_timeout: 'continue',
          schema: { type: 'object', properties: { ok: { type: 'boolean' } } },
        },
        output_mappings: { ok: 'approved' },
      },
      { ...noop('after', { expr: "$exists(approved) ? approved : 'no answer'" }) },
    ]);
    const result = (await handle.result()) as JobWorkflowResult;
    expect(result.status).toBe('Completed');
    expect(result.output_data).toEqual({ after_value: 'no answer' });
  });
});
