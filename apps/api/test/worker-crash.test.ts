import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrdoProcess } from '@ordo/testing';
import { createJob, getJob, startApiStack, startJob, startWorkerProcess, toolStep, waitForEnd, waitForJob, type ApiStack } from './harness';

const SLEEP_MS = 20_000;
const HEARTBEAT_TIMEOUT_S = 3;

/**
 * A worker process killed in the middle of a step: the step's heartbeat timeout, not its
 * 300 s start-to-close timeout, tells Temporal the attempt is lost, and another worker
 * process runs attempt 2 within seconds.
 */
describe('a worker crash mid-step', () => {
  let stack: ApiStack;
  const workers: OrdoProcess[] = [];

  /** A worker process on the stack's task queue and database, polling once this resolves. */
  async function startWorker(): Promise<OrdoProcess> {
    const worker = await startWorkerProcess(stack);
    workers.push(worker);
    return worker;
  }

  beforeAll(async () => {
    // The API in process, with no worker of its own: the job runs only on the worker processes.
    stack = await startApiStack('worker-crash', { worker: false });
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await stack?.stop();
  });

  it('retries the step on another worker within seconds, and the job completes on attempt 2', async () => {
    const first = await startWorker();
    const job = await createJob(stack, {
      steps: [
        toolStep('nap', 'sleep', { ms: SLEEP_MS }, {}, {
          heartbeat_timeout_seconds: HEARTBEAT_TIMEOUT_S,
          retry_policy: { maximum_attempts: 3, initial_interval_ms: 100, backoff_coefficient: 1 },
        }),
      ],
    });
    await startJob(stack, job.job_id);
    await waitForJob(stack, job.job_id, (j) => j.steps[0]?.status === 'RUNNING' && j.steps[0]?.attempt === 1, 30_000);

    // The replacement is up before the crash, so what is measured is Temporal noticing the
    // lost attempt, not how long a worker takes to start.
    await startWorker();
    const before = await getJob(stack, job.job_id);
    expect(before.steps[0]).toMatchObject({ status: 'RUNNING', attempt: 1 });

    const killedAt = Date.now();
    await first.kill();
    expect(first.child.signalCode).toBe('SIGKILL');
    const retried = await waitForJob(stack, job.job_id, (j) => j.steps[0]?.attempt === 2, 60_000);
    const retryDelayMs = Date.now() - killedAt;
    console.log(`worker-crash: attempt 2 began ${retryDelayMs} ms after the SIGKILL (heartbeat timeout ${HEARTBEAT_TIMEOUT_S} s)`);
    expect(retried.steps[0]).toMatchObject({ status: 'RUNNING', attempt: 2 });
    expect(retried.status).toBe('RUNNING');
    // Seconds, not the 300 s start-to-close timeout: heartbeat timeout (3 s) plus retry interval and dispatch.
    expect(retryDelayMs).toBeLessThan(15_000);

    const done = await waitForEnd(stack, job.job_id, SLEEP_MS + 30_000);
    expect(done.status).toBe('COMPLETED');
    expect(done.steps[0]).toMatchObject({ status: 'COMPLETED', attempt: 2 });
    expect(done.runs).toEqual([expect.objectContaining({ status: 'COMPLETED' })]);
  });
});
