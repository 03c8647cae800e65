import type { Client } from '@temporalio/client';
import type { NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOB_WORKFLOW_TYPE, WorkflowDefinition, type JobWorkflowResult } from '@ordo/core';
import { openStore, type OrdoStore } from '@ordo/storage';
import { connectClient, connectWorker, tempDataDir, uniqueTaskQueue, workflowBundle } from '@ordo/testing';
import { TEST_TOOLS, TOOLS } from '@ordo/tools';
import { createWorker } from '../src/index';
import { insertJob } from './insert-job';
import { preparedInput } from './prepared-start';

/**
 * Findings 2 and 3 of the hardening issue, on a real dev server: an expression that built a
 * 200-million-character string aborted the worker (and every retry of its task), and a
 * tail recursion of 5,000 ran past the workflow task's deadline, retried for ever. Both must
 * fail their step, non-retryably, and leave the worker running the next job.
 */
describe('bounded expressions in the job workflow', () => {
  let store: OrdoStore;
  let removeDir: () => Promise<void>;
  let client: Client;
  let connection: NativeConnection;
  let worker: Worker;
  let running: Promise<void>;
  const taskQueue = uniqueTaskQueue('expression-bounds');
  const tools = [...TOOLS, ...TEST_TOOLS];

  beforeAll(async () => {
    const dir = await tempDataDir('expression-bounds');
    removeDir = dir.remove;
    store = await openStore({ dataDir: dir.path });
    client = await connectClient();
    connection = await connectWorker();
    worker = await createWorker({ connection, namespace: client.options.namespace, taskQueue, store, tools, workflowBundle: workflowBundle() });
    running = worker.run();
  });

  afterAll(async () => {
    worker.shutdown();
    await running;
    await connection.close();
    await client.connection.close();
    await store.close();
    await removeDir();
  });

  /** Runs a one-step job whose `noop` parameter is the expression; its result, and how many workflow tasks failed. */
  async function runExpression(name: string, expr: string): Promise<{ result: JobWorkflowResult | undefined; error: unknown; failedTasks: number }> {
    const definition = WorkflowDefinition.parse({
      workflow_id: name,
      name,
      input_variables: [],
      steps: [{ step_id: 's0', tool: { tool_id: 'noop', name: 'Noop' }, parameter_mappings: { value: { expr } }, output_mappings: { value: 'out' } }],
    });
    const job = await insertJob(store, definition, {});
    const handle = await client.workflow.start(JOB_WORKFLOW_TYPE, { workflowId: job.job_id, taskQueue, args: [preparedInput(job, tools)] });
    let result: JobWorkflowResult | undefined;
    let error: unknown;
    try {
      result = (await handle.result()) as JobWorkflowResult;
    } catch (err) {
      error = err;
    }
    const history = await handle.fetchHistory();
    const failedTasks = history.events?.filter((e) => e.workflowTaskFailedEventAttributes || e.workflowTaskTimedOutEventAttributes).length ?? 0;
    const stored = await store.jobs.getStored(job.job_id);
    return { result: result ?? (stored?.run as unknown as JobWorkflowResult), error, failedTasks };
  }

  it.each([
    ['wf_crash', '$length($pad("", 200000000))', /\$pad would build a string of 200000000 characters; at most \d+ are allowed/],
    ['wf_recursion', '($f := function($x){ $x < 5000 ? $f($x + 1) : $x }; $f(0))', /more than \d+ evaluation steps/],
    ['wf_endless', '($loop := function($n){ $loop($n + 1) }; $loop(0))', /more than \d+ evaluation steps/],
  ])('%s: the step fails with EXPRESSION_FAILED naming the limit, with no workflow task failed', async (name, expr, message) => {
    const { result, failedTasks } = await runExpression(name, expr);
    expect(result).toMatchObject({ status: 'Failed', error: { code: 'EXPRESSION_FAILED' } });
    expect(result?.error?.message).toMatch(message);
    expect(result?.error?.message).toContain(expr);
    expect(failedTasks).toBe(0);
  });

  it('the same worker then runs another job to the end', async () => {
    const { result, failedTasks } = await runExpression('wf_after', '($f := function($x){ $x < 20 ? $f($x + 1) : $x }; $f(0))');
    expect(result).toMatchObject({ status: 'Completed', output_data: { out: 20 } });
    expect(failedTasks).toBe(0);
  });
});
