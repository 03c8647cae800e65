import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOB_WORKFLOW_TYPE, type StepRun } from '@ordo/core';
import { pollUntil, temporalAddress, type OrdoProcess } from '@ordo/testing';
import { readTallyLedger, tallyLedgerPath } from '@ordo/tools';
import {
  createJob,
  startApiStack,
  startJob,
  startWorkerProcess,
  toolStepDefinition,
  waitForClose,
  waitForEnd,
  type ApiStack,
} from './harness';
import { HoldingProxy } from './holding-proxy';

/** Long enough to hold the worker's connection while the tool still runs (its start is recorded after 500 ms). */
const TALLY_MS = 3_000;
const HEARTBEAT_TIMEOUT_S = 5;

/**
 * A worker SIGKILLed after its tool completed and recorded the completion, before Temporal
 * heard of it: the worker reaches Temporal through a proxy the test holds while the tool
 * runs, so its heartbeats and its completion never arrive, and is killed once the store
 * shows the step completed. Temporal runs the step again (attempt 2, on another worker)
 * when the heartbeat timeout passes; that attempt must return the recorded result instead
 * of running the tool again, so the `tally` ledger counts one execution, and the job ends
 * with attempt 1's outputs and times.
 */
describe('a retry of a step whose tool already completed', () => {
  let stack: ApiStack;
  const workers: OrdoProcess[] = [];
  const proxies: HoldingProxy[] = [];

  /** A worker process on the stack's task queue and database, reaching Temporal at `address`, polling once this resolves. */
  async function startWorker(address: string): Promise<OrdoProcess> {
    const worker = await startWorkerProcess(stack, address);
    workers.push(worker);
    return worker;
  }

  /** The step's row in the store, once `until` holds. */
  async function stepRow(
    jobId: string,
    index: number,
    until: (step: StepRun | undefined) => boolean,
  ): Promise<StepRun | undefined> {
    return pollUntil(
      async () => {
        const runId = await stack.store.jobs.currentRunId(jobId);
        return runId === undefined
          ? undefined
          : (await stack.store.jobs.stepRuns(runId)).find((s) => s.index === index);
      },
      until,
      { timeoutMs: 60_000, intervalMs: 50 },
    );
  }

  /**
   * Runs `begin`'s job with its step `index` on a worker whose Temporal connection is held
   * while that step's tool runs; kills the worker once the step's completion is recorded,
   * then lets a second worker take over. Answers the job as it ended and what the store
   * held when the worker was killed.
   */
  async function killedAfterCompletion(begin: () => Promise<string>, index: number) {
    const proxy = await HoldingProxy.start(temporalAddress());
    proxies.push(proxy);
    const first = await startWorker(proxy.address);
    const jobId = await begin();
    await stepRow(jobId, index, (s) => s?.status === 'InProgress' && s.attempt === 1);
    // From here on nothing the worker sends reaches Temporal: heartbeats, the completion.
    proxy.hold('to-server');
    const recorded = await stepRow(jobId, index, (s) => s?.status === 'Completed');
    await first.kill();
    expect(first.child.signalCode).toBe('SIGKILL');
    proxy.drop();
    const second = await startWorker(temporalAddress());
    // The store may show the job ended already (the last step's activity recorded the run's
    // ending): Temporal says when no attempt is left to come.
    await waitForClose(stack, jobId);
    const done = await waitForEnd(stack, jobId, 30_000);
    await second.stop();
    return { jobId, recorded: recorded!, done };
  }

  /** The ledger's executions of a job's step. */
  async function executions(jobId: string, index: number) {
    return (await readTallyLedger(tallyLedgerPath(stack.dataDir))).filter(
      (e) => e.job_id === jobId && e.step_index === index,
    );
  }

  const tallyStep = (id: string, value: string, output: string) =>
    toolStepDefinition(
      id,
      'tally',
      { ms: TALLY_MS, value },
      { value: output },
      {
        heartbeat_timeout_seconds: HEARTBEAT_TIMEOUT_S,
        retry_policy: { maximum_attempts: 3, initial_interval_ms: 100, backoff_coefficient: 1 },
      },
    );

  beforeAll(async () => {
    // The API in process, with no worker of its own: the job runs only on the worker processes.
    stack = await startApiStack('completed-retry', { worker: false });
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.kill()));
    await Promise.all(proxies.map((p) => p.close()));
    await stack?.stop();
  });

  it("returns the recorded result of the run's last step, started by the API, whose activity also recorded the run's ending", async () => {
    const { jobId, recorded, done } = await killedAfterCompletion(async () => {
      const job = await createJob(stack, {
        steps: [tallyStep('only', 'from attempt 1', 'out')],
        output_variables: ['out'],
      });
      await startJob(stack, job.job_id);
      return job.job_id;
    }, 0);

    const ran = await executions(jobId, 0);
    expect(ran.map((e) => e.attempt)).toEqual([1]);
    expect(recorded).toMatchObject({ status: 'Completed', attempt: 1, outputs: { value: 'from attempt 1' } });
    expect(done).toMatchObject({ status: 'COMPLETED', output_data: { out: 'from attempt 1' } });
    // The record is attempt 1's, the one that did the work, with its times; so is the run's ending.
    expect(done.steps[0]).toMatchObject({
      status: 'COMPLETED',
      attempt: 1,
      completed_at: recorded.completed_at,
      output_data: { value: 'from attempt 1' },
    });
    expect(done.completed_at).toBe(recorded.completed_at);
    expect(done.runs).toEqual([expect.objectContaining({ status: 'COMPLETED', completed_at: recorded.completed_at })]);

    // Temporal ran the activity again and got attempt 1's result from it.
    const history = await stack.client.workflow.getHandle(jobId).fetchHistory();
    const events = history.events ?? [];
    expect(
      events
        .filter((e) => e.activityTaskStartedEventAttributes)
        .map((e) => e.activityTaskStartedEventAttributes!.attempt),
    ).toEqual([2]);
    expect(events.filter((e) => e.activityTaskCompletedEventAttributes)).toHaveLength(1);
    expect(events.some((e) => e.workflowExecutionCompletedEventAttributes)).toBe(true);
  });

  it('returns the recorded result to a run started with only its job_id, and goes on to the next step', async () => {
    const { jobId, recorded, done } = await killedAfterCompletion(async () => {
      const job = await createJob(stack, {
        steps: [tallyStep('first', 'one', 'a'), tallyStep('second', 'two', 'b')],
        output_variables: ['a', 'b'],
      });
      // As the Temporal CLI or a parent workflow starts one: the run claims and reads its job itself.
      await stack.client.workflow.start(JOB_WORKFLOW_TYPE, {
        workflowId: job.job_id,
        taskQueue: stack.taskQueue,
        args: [{ job_id: job.job_id }],
      });
      return job.job_id;
    }, 0);

    expect((await executions(jobId, 0)).map((e) => e.attempt)).toEqual([1]);
    expect((await executions(jobId, 1)).map((e) => e.attempt)).toEqual([1]);
    expect(recorded).toMatchObject({ status: 'Completed', attempt: 1, outputs: { value: 'one' } });
    expect(done).toMatchObject({ status: 'COMPLETED', output_data: { a: 'one', b: 'two' } });
    expect(done.steps[0]).toMatchObject({ status: 'COMPLETED', attempt: 1, completed_at: recorded.completed_at });
    expect(done.steps[1]).toMatchObject({ status: 'COMPLETED', attempt: 1 });
  });
});
