import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startDevServer } from '@ordo/testing';
import { readTallyLedger, tallyLedgerPath } from '@ordo/tools';
import {
  createJob,
  getJob,
  startApiStack,
  startJob,
  toolStepDefinition,
  waitForClose,
  waitForEnd,
  waitForJob,
  type ApiStack,
} from './harness';

/** Shorter than the outage and than the heartbeat timeout: the first attempt ends while the server is down. */
const STEP_MS = 8_000;
const OUTAGE_MS = 30_000;

/**
 * The Temporal server stopped for 30 s in the middle of a tool step, then started again on
 * its own database. The step's first attempt completes while the server is down: it records
 * its completion (and, as the run's last step, the run's ending) but cannot report it, so
 * once the server is back Temporal runs the step again (attempt 1's heartbeats stopped).
 * That attempt must return attempt 1's recorded result, not run the tool again: the `tally`
 * ledger counts one execution, and the job completes with attempt 1's outputs and times.
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
    stack = await startApiStack('outage', {
      temporal: { address: server.address, namespace: server.namespace ?? 'default' },
    });
  });
  afterAll(async () => {
    await stack?.stop().catch(() => undefined);
    await server?.teardown();
    await rm(dir, { recursive: true, force: true });
  });

  it("runs the tool once: the retry returns the completion attempt 1 recorded, and the record is attempt 1's", async () => {
    const job = await createJob(stack, {
      steps: [
        toolStepDefinition(
          'nap',
          'tally',
          { ms: STEP_MS, value: 'from attempt 1' },
          { value: 'out' },
          {
            heartbeat_timeout_seconds: 15,
            retry_policy: { maximum_attempts: 3, initial_interval_ms: 100, backoff_coefficient: 1 },
          },
        ),
      ],
      output_variables: ['out'],
    });
    await startJob(stack, job.job_id);
    await waitForJob(stack, job.job_id, (j) => j.steps[0]?.status === 'RUNNING', 30_000);

    const stoppedAt = Date.now();
    await server!.teardown();
    server = undefined;
    await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS));
    // Attempt 1 ended meanwhile and recorded its completion with the run's ending.
    const ledger = tallyLedgerPath(stack.dataDir);
    const ran = (await readTallyLedger(ledger)).filter((e) => e.job_id === job.job_id);
    expect(ran.map((e) => e.attempt)).toEqual([1]);
    const recorded = await getJob(stack, job.job_id);
    expect(recorded).toMatchObject({
      status: 'COMPLETED',
      output_data: { out: 'from attempt 1' },
      steps: [expect.objectContaining({ status: 'COMPLETED', attempt: 1 })],
    });
    server = await startDevServer({ dbFilename: join(dir, 'temporal.db'), port });
    console.log(`temporal-outage: server back after ${Date.now() - stoppedAt} ms`);

    // Temporal's word is final once the workflow has closed.
    await waitForClose(stack, job.job_id, 180_000);
    const history = await stack.client.workflow.getHandle(job.job_id).fetchHistory();
    const events = history.events ?? [];
    console.log(
      `temporal-outage: history ${JSON.stringify(events.map((e) => [e.eventType, e.activityTaskStartedEventAttributes?.attempt, e.activityTaskCompletedEventAttributes ? 'completed' : undefined]))}`,
    );
    const started = events.filter((e) => e.activityTaskStartedEventAttributes);
    const completed = events.filter((e) => e.activityTaskCompletedEventAttributes);
    expect(completed).toHaveLength(1);
    // Temporal ran the step again, and that attempt's result names attempt 1, the one that ran the tool.
    const ranAttempt = started.at(-1)!.activityTaskStartedEventAttributes!.attempt!;
    expect(ranAttempt).toBeGreaterThan(1);
    const payload = completed[0]!.activityTaskCompletedEventAttributes!.result!.payloads![0]!;
    expect(JSON.parse(Buffer.from(payload.data!).toString('utf8'))).toMatchObject({
      outputs: { value: 'from attempt 1' },
      attempt: 1,
      ended_at: recorded.completed_at,
    });

    // The tool ran once, and the job is what attempt 1 recorded: its outputs, its attempt, its times.
    expect((await readTallyLedger(ledger)).filter((e) => e.job_id === job.job_id)).toEqual(ran);
    const done = await waitForEnd(stack, job.job_id, 30_000);
    console.log(
      `temporal-outage: Temporal ran attempt ${ranAttempt}; the job shows attempt ${done.steps[0]?.attempt}, completed at ${done.steps[0]?.completed_at}`,
    );
    expect(done).toEqual(recorded);
    expect(done.completed_at).toBe(done.steps[0]!.completed_at);
    expect(new Date(done.completed_at!).getTime()).toBeGreaterThanOrEqual(new Date(ran[0]!.at).getTime());
    expect(new Date(done.completed_at!).getTime()).toBeLessThan(stoppedAt + OUTAGE_MS);
  });
});
