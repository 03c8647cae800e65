import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startDevServer } from '@ordo/testing';
import { createJob, getJob, startApiStack, startJob, toolStep, waitForEnd, waitForJob, type ApiStack } from './harness';

/** Shorter than the outage and than the heartbeat timeout: the first attempt ends while the server is down. */
const STEP_MS = 8_000;
const OUTAGE_MS = 30_000;

/**
 * The Temporal server stopped for 30 s in the middle of a tool step, then started again on
 * its own database: Temporal runs the step again (its first attempt's heartbeats stopped),
 * and the job's stored record must say so: the attempt that ran last and its times, never a
 * completion of the first attempt hiding the second.
 */
describe('a step run again after a Temporal outage', () => {
  let server: TestWorkflowEnvironment | undefined;
  let stack: ApiStack;
  let dir: string;
  let port: number;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ordo-outage-'));
    port = await freePort();
    server = await startDevServer({ dbFilename: join(dir, 'temporal.db'), port });
    stack = await startApiStack('outage', { temporal: { address: server.address, namespace: server.namespace ?? 'default' } });
  });
  afterAll(async () => {
    await stack?.stop().catch(() => undefined);
    await server?.teardown();
    await rm(dir, { recursive: true, force: true });
  });

  it('records the attempt Temporal ran last, with its times', async () => {
    const job = await createJob(stack, {
      steps: [
        toolStep('nap', 'sleep', { ms: STEP_MS }, { slept_ms: 'slept' }, {
          heartbeat_timeout_seconds: 15,
          retry_policy: { maximum_attempts: 3, initial_interval_ms: 100, backoff_coefficient: 1 },
        }),
      ],
      output_variables: ['slept'],
    });
    await startJob(stack, job.job_id);
    await waitForJob(stack, job.job_id, (j) => j.steps[0]?.status === 'RUNNING', 30_000);

    const stoppedAt = Date.now();
    await server!.teardown();
    server = undefined;
    await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS));
    server = await startDevServer({ dbFilename: join(dir, 'temporal.db'), port });
    console.log(`temporal-outage: server back after ${Date.now() - stoppedAt} ms`);

    // While Temporal runs the step again, the job shows it running again, not the ending the
    // first attempt recorded (Temporal never heard of it).
    const rerun = await waitForJob(stack, job.job_id, (j) => (j.steps[0]?.attempt ?? 0) > 1, 120_000);
    expect(rerun).toMatchObject({ status: 'RUNNING', steps: [expect.objectContaining({ status: 'RUNNING', attempt: 2 })] });
    expect(rerun.completed_at).toBeUndefined();
    expect(rerun.runs).toEqual([expect.objectContaining({ status: 'RUNNING' })]);

    // Temporal's word is final once the workflow has closed.
    const handle = stack.client.workflow.getHandle(job.job_id);
    await Promise.race([handle.result(), new Promise((_, reject) => setTimeout(() => reject(new Error('the workflow did not close within 180 s')), 180_000))]);
    const done = await waitForEnd(stack, job.job_id, 30_000);
    // What Temporal ran: the attempt its history holds for the step, started and completed when it says.
    const history = await handle.fetchHistory();
    console.log(`temporal-outage: history ${JSON.stringify((history.events ?? []).map((e) => [e.eventType, e.activityTaskStartedEventAttributes?.attempt, e.activityTaskCompletedEventAttributes ? 'completed' : undefined]))}`);
    const events = history.events ?? [];
    const started = events.filter((e) => e.activityTaskStartedEventAttributes);
    const completed = events.filter((e) => e.activityTaskCompletedEventAttributes);
    const lastStarted = started.at(-1)!;
    const ranAttempt = lastStarted.activityTaskStartedEventAttributes!.attempt!;
    const ranStartedAt = new Date(Number(lastStarted.eventTime!.seconds) * 1000 + Math.floor((lastStarted.eventTime!.nanos ?? 0) / 1e6));
    console.log(`temporal-outage: Temporal ran attempt ${ranAttempt}; the job shows attempt ${done.steps[0]?.attempt}, completed at ${done.steps[0]?.completed_at}`);
    expect(completed).toHaveLength(1);
    expect(done.status).toBe('COMPLETED');
    expect(done.steps[0]).toMatchObject({ status: 'COMPLETED', attempt: ranAttempt });
    // Its completion is the attempt that ran last's: after that attempt began.
    expect(new Date(done.steps[0]!.completed_at!).getTime()).toBeGreaterThanOrEqual(ranStartedAt.getTime() - 1000);
    expect(done.completed_at).toBe(done.steps[0]!.completed_at);
    // The same through a read of the store alone.
    expect((await getJob(stack, job.job_id)).steps[0]).toMatchObject({ attempt: ranAttempt });
  });
});
