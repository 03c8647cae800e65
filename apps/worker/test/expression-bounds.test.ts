import type { Client, WorkflowHandle } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  evaluateExpression,
  ExpressionPacer,
  JOB_WORKFLOW_TYPE,
  pauseSignal,
  resumeSignal,
  runStateQuery,
  WorkflowDefinition,
  type JobRecord,
  type JobWorkflowInput,
  type JobWorkflowResult,
} from '@ordo/core';
import type { OrdoStore } from '@ordo/storage';
import { uniqueTaskQueue } from '@ordo/testing';
import { TEST_TOOLS, TOOLS } from '@ordo/tools';
import { insertJob } from './insert-job';
import { startRunningWorker, type RunningWorker } from './running-worker';
import { preparedInput } from './prepared-start';

/** What a run's history says about its workflow tasks and the pacer's timers. */
interface HistoryFacts {
  failedTasks: number;
  timers: number;
  events: number;
}

async function historyFacts(handle: WorkflowHandle): Promise<HistoryFacts> {
  const events = (await handle.fetchHistory()).events ?? [];
  return {
    failedTasks: events.filter((e) => e.workflowTaskFailedEventAttributes || e.workflowTaskTimedOutEventAttributes)
      .length,
    // The jobs here have no other timer than the pacer's.
    timers: events.filter((e) => e.timerStartedEventAttributes).length,
    events: events.length,
  };
}

/**
 * The pauses the run's pacer makes for one job step's expressions, computed here in Node
 * with its pause counted instead of a timer, from an activation budget full at the step's
 * start. In the run, each pause is a timer in its history.
 */
async function pacedWaits(texts: readonly string[], document: Record<string, unknown>): Promise<number> {
  let waits = 0;
  const budget = new ExpressionPacer(true, () => {
    waits++;
    return Promise.resolve();
  }).stepBudget();
  for (const text of texts) await evaluateExpression(text, document, { budget });
  return waits;
}

/**
 * Findings 2 and 3 of the hardening issue, on a real dev server: an expression that built a
 * 200-million-character string aborted the worker (and every retry of its task), and a
 * tail recursion of 5,000 ran past the workflow task's deadline, retried for ever. Now
 * every evaluation step draws from the run's budget per activation, and an evaluation that
 * spends it waits on a 1 ms durable timer and resumes in the next activation: expressions
 * of many thousand steps complete, each workflow task short; those past the bound fail
 * their step, non-retryably; a cancellation while one waits cancels the job.
 */
describe('bounded expressions in the job workflow', () => {
  let store: OrdoStore;
  let client: Client;
  let running: RunningWorker;
  const taskQueue = uniqueTaskQueue('expression-bounds');
  const tools = [...TOOLS, ...TEST_TOOLS];

  beforeAll(async () => {
    running = await startRunningWorker({
      name: 'expression-bounds',
      taskQueue,
      tools: tools,
    });
    ({ store, client } = running);
  });

  afterAll(async () => {
    await running.stop();
  });

  const noopStep = (step_id: string, value: unknown, out: string) => ({
    step_id,
    tool: { tool_id: 'noop', name: 'Noop' },
    parameter_mappings: { value },
    output_mappings: { value: out },
  });

  async function startJob(
    name: string,
    steps: unknown[],
    input: (job: JobRecord) => JobWorkflowInput = (job) => preparedInput(job, tools),
  ) {
    const job = await insertJob(
      store,
      WorkflowDefinition.parse({ workflow_id: name, name, input_variables: [], steps }),
      {},
    );
    return client.workflow.start(JOB_WORKFLOW_TYPE, { workflowId: job.job_id, taskQueue, args: [input(job)] });
  }

  /** Runs a one-step job whose `noop` parameter is the expression: its result, and what its history says. */
  async function runExpression(
    name: string,
    expr: string,
  ): Promise<{ result: JobWorkflowResult | undefined } & HistoryFacts> {
    const handle = await startJob(name, [noopStep('s0', { expr }, 'out')]);
    let result: JobWorkflowResult | undefined;
    try {
      result = (await handle.result()) as JobWorkflowResult;
    } catch {
      // A failed job fails its workflow too: its result is the stored run.
    }
    const stored = await store.jobs.getStored(handle.workflowId);
    return { result: result ?? (stored?.run as unknown as JobWorkflowResult), ...(await historyFacts(handle)) };
  }

  /** Waits (for liveness only) until the run's history holds a pacing timer: an evaluation is suspended, or about to be. */
  async function untilPaced(handle: WorkflowHandle): Promise<void> {
    for (let i = 0; i < 1200 && (await historyFacts(handle)).timers === 0; i++)
      await new Promise((r) => setTimeout(r, 100));
    expect((await historyFacts(handle)).timers).toBeGreaterThan(0);
  }

  it('wf_crash: a $pad of 200 million characters fails the step with EXPRESSION_FAILED naming the limit, with no workflow task failed', async () => {
    const expr = '$length($pad("", 200000000))';
    const { result, failedTasks } = await runExpression('wf_crash', expr);
    expect(result).toMatchObject({ status: 'Failed', error: { code: 'EXPRESSION_FAILED' } });
    expect(result?.error?.message).toMatch(
      /\$pad would build a string of 200000000 characters; at most \d+ are allowed/,
    );
    expect(result?.error?.message).toContain(expr);
    expect(failedTasks).toBe(0);
  });

  it('wf_endless: an endless recursion fails the step with EXPRESSION_FAILED at the step bound, paced over about 100 activations, with no workflow task failed', async () => {
    const expr = '($loop := function($n){ $loop($n + 1) }; $loop(0))';
    const { result, failedTasks, timers } = await runExpression('wf_endless', expr);
    expect(result).toMatchObject({ status: 'Failed', error: { code: 'EXPRESSION_FAILED' } });
    expect(result?.error?.message).toMatch(/more than 100000 evaluation steps/);
    expect(result?.error?.message).toContain(expr);
    expect(failedTasks).toBe(0);
    // A timer each 1,000 steps, at the very steps Node counts: a replay suspends there too.
    expect(timers).toBe(await pacedWaits([expr], {}));
    expect(timers).toBeGreaterThanOrEqual(99);
  }, 900_000);

  it("wf_recursion: finding 3's tail recursion of 5,000 (45,011 steps) now completes, paced, with no workflow task failed", async () => {
    const expr = '($f := function($x){ $x < 5000 ? $f($x + 1) : $x }; $f(0))';
    const { result, failedTasks, timers } = await runExpression('wf_recursion', expr);
    expect(result).toMatchObject({ status: 'Completed', output_data: { out: 5000 } });
    expect(failedTasks).toBe(0);
    expect(timers).toBe(await pacedWaits([expr], {}));
    expect(timers).toBeGreaterThanOrEqual(44);
  }, 900_000);

  it('a mapping of several thousand steps completes with the right value, its evaluations suspended on the pacer at the counted steps', async () => {
    const orders = Array.from({ length: 500 }, (_, i) => ({ price: (i % 17) + 0.5, quantity: (i % 5) + 1 }));
    const total = '$sum(orders.(price * quantity))';
    const doubled = '$map([1..3000], function($v){ $v * 2 })';
    const handle = await startJob('wf_paced_mapping', [
      noopStep('s0', { const: orders }, 'orders'),
      noopStep('s1', { total: { expr: total }, doubled: { expr: doubled } }, 'mapped'),
    ]);
    const result = (await handle.result()) as JobWorkflowResult;
    expect(result.status).toBe('Completed');
    expect(result.output_data.mapped).toEqual({
      total: orders.reduce((sum, o) => sum + o.price * o.quantity, 0),
      doubled: Array.from({ length: 3000 }, (_, i) => (i + 1) * 2),
    });
    const facts = await historyFacts(handle);
    expect(facts.failedTasks).toBe(0);
    // 12,026 steps: a timer each 1,000, at the very steps Node counts.
    const waits = await pacedWaits([total, doubled], { orders });
    expect(waits).toBeGreaterThanOrEqual(11);
    expect(facts.timers).toBe(waits);
  }, 600_000);

  it('answers queries while an evaluation is suspended, and a pause sent meanwhile takes effect at the next step boundary', async () => {
    const doubled = '$map([1..3000], function($v){ $v * 2 })';
    const handle = await startJob('wf_paced_pause', [
      noopStep('s0', { expr: doubled }, 'doubled'),
      noopStep('s1', { expr: '$count(doubled)' }, 'count'),
    ]);
    await untilPaced(handle);
    expect((await handle.query(runStateQuery)).steps[0]?.status).toBe('InProgress');
    await handle.signal(pauseSignal);
    // The evaluation goes on; the run holds before step 2 and records the pause.
    for (let i = 0; i < 1200 && (await store.jobs.getStored(handle.workflowId))?.run?.paused !== true; i++)
      await new Promise((r) => setTimeout(r, 100));
    const paused = await handle.query(runStateQuery);
    expect(paused).toMatchObject({ paused: true, status: 'InProgress' });
    expect(paused.steps.map((s) => s.status)).toEqual(['Completed', 'NotStarted']);
    await handle.signal(resumeSignal);
    expect(await handle.result()).toMatchObject({ status: 'Completed', output_data: { count: 3000 } });
    expect((await historyFacts(handle)).failedTasks).toBe(0);
  }, 600_000);

  it('a cancellation while an evaluation waits on the pacer cancels the job ("Job cancelled by user"), not EXPRESSION_FAILED', async () => {
    // Given only its job ID, the run claims the job first, so its cancellation is recorded.
    const handle = await startJob(
      'wf_paced_cancel',
      [noopStep('s0', { expr: '($loop := function($n){ $loop($n + 1) }; $loop(0))' }, 'out')],
      (job) => ({ job_id: job.job_id }),
    );
    await untilPaced(handle);
    await handle.cancel();
    await expect(handle.result()).rejects.toThrow();
    expect((await handle.describe()).status.name).toBe('CANCELLED');
    const stored = await store.jobs.getStored(handle.workflowId);
    expect(stored?.run).toMatchObject({
      status: 'Cancelled',
      error: { code: 'CANCELLED', message: 'Job cancelled by user' },
    });
    expect(stored?.run?.steps[0]).toMatchObject({ status: 'Failed', error: { code: 'CANCELLED' } });
    const facts = await historyFacts(handle);
    expect(facts.failedTasks).toBe(0);
    expect(facts.timers).toBeLessThan(100);
  }, 600_000);

  it('the same worker then runs another job to the end', async () => {
    const { result, failedTasks } = await runExpression(
      'wf_after',
      '($f := function($x){ $x < 20 ? $f($x + 1) : $x }; $f(0))',
    );
    expect(result).toMatchObject({ status: 'Completed', output_data: { out: 20 } });
    expect(failedTasks).toBe(0);
  });
});
