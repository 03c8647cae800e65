import { Client, type WorkflowClientInterceptor } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Job } from '@ordo/core';
import { pollUntil, unreachableTemporalAddress } from '@ordo/testing';
import { createApp, LazyNativeConnection, type OrdoApp } from '../src/index';
import {
  checkedApp,
  createJob,
  sendingTestKey,
  startApiStack,
  startJob,
  TEST_AUTH,
  toolStepDefinition,
  waitForJob,
  type ApiStack,
} from './harness';

/** How many reads the burst sends at once. */
const BURST = 200;

/**
 * Reads of a running job when its live state cannot be had: every answer is either live
 * or says it is not (`stale: true`, the stored view), promptly, and progress never
 * appears to go backwards.
 */
describe('reads of a running job under failure', () => {
  let stack: ApiStack;
  let jobId: string;
  // A second API over the same database whose Temporal is unreachable.
  let offline: OrdoApp;
  let offlineConnection: LazyNativeConnection;

  /** One GET on an app, with how long it took. */
  async function timedGet(
    app: OrdoApp,
    path: string,
  ): Promise<{ ms: number; status: number; body: Record<string, unknown> }> {
    const began = Date.now();
    const res = await app.request(path);
    const body = (await res.json()) as Record<string, unknown>;
    return { ms: Date.now() - began, status: res.status, body };
  }

  /**
   * Another API over the same database and Temporal server whose client counts the
   * `runState` queries it sends and holds each one until `gate` (when given) resolves.
   */
  function countingApp(gate?: Promise<void>): { app: OrdoApp; queries: () => number } {
    let queries = 0;
    const counter: WorkflowClientInterceptor = {
      async query(input, next) {
        queries++;
        await gate;
        return next(input);
      },
    };
    const client = new Client({
      connection: stack.client.connection,
      namespace: stack.client.options.namespace,
      interceptors: { workflow: [counter] },
    });
    const app = checkedApp(
      sendingTestKey(
        createApp({
          store: stack.store,
          temporal: { client, taskQueue: stack.taskQueue },
          maxUploadBytes: 1024,
          auth: TEST_AUTH,
        }),
      ),
    );
    return { app, queries: () => queries };
  }

  beforeAll(async () => {
    stack = await startApiStack('reads-failure');
    const job = await createJob(stack, {
      steps: [
        toolStepDefinition('first', 'noop', { value: 1 }),
        toolStepDefinition('second', 'noop', { value: 2 }),
        toolStepDefinition('long', 'sleep', { ms: 60_000 }),
      ],
    });
    jobId = job.job_id;
    await startJob(stack, jobId);
    // Two steps done and recorded, the third running: the stored progress is past step 0.
    await waitForJob(
      stack,
      jobId,
      (j) => j.steps[2]?.status === 'RUNNING' && j.execution_progress.current_step === 2,
      30_000,
    );
    // The stale view is the stored one: wait until the third step's attempt is stored too (a
    // first attempt's start is recorded once it has run 500 ms).
    await pollUntil(
      () => stack.store.jobs.getStored(jobId),
      (s) => s?.run?.steps[2]?.status === 'InProgress',
      { timeoutMs: 10_000 },
    );

    // A port nothing listens on: the API's own connection, as in production with Temporal down.
    offlineConnection = new LazyNativeConnection({ address: await unreachableTemporalAddress() });
    offline = checkedApp(
      sendingTestKey(
        createApp({
          store: stack.store,
          temporal: {
            client: new Client({ connection: offlineConnection, namespace: stack.client.options.namespace }),
            taskQueue: stack.taskQueue,
          },
          maxUploadBytes: 1024,
          auth: TEST_AUTH,
        }),
      ),
    );
  });
  afterAll(async () => {
    // Ends the 60 s step now rather than waiting for it.
    await stack?.client.workflow
      .getHandle(jobId)
      .terminate('test over')
      .catch(() => undefined);
    await offlineConnection?.close();
    await stack?.stop();
  });

  it('answers GET /v1/jobs/{id} within seconds with Temporal unreachable, marked stale, with the stored progress', async () => {
    const read = await timedGet(offline, `/v1/jobs/${jobId}`);
    console.log(`reads-under-failure: GET job with Temporal down answered in ${read.ms} ms`);
    expect(read.status).toBe(200);
    expect(read.ms).toBeLessThan(5_000);
    const job = Job.parse(read.body);
    expect(job).toMatchObject({
      status: 'RUNNING',
      stale: true,
      execution_progress: { current_step: 2, total_steps: 3 },
    });
    expect(job.steps.map((s) => s.status)).toEqual(['COMPLETED', 'COMPLETED', 'RUNNING']);
    expect(job.steps[0]?.output_data).toEqual({ value: 1 });
    expect(job.steps[2]?.attempt).toBe(1);
  });

  it('answers /execution-state within seconds with Temporal unreachable, marked stale, with the stored progress', async () => {
    const read = await timedGet(offline, `/v1/jobs/${jobId}/execution-state`);
    console.log(`reads-under-failure: GET execution-state with Temporal down answered in ${read.ms} ms`);
    expect(read.status).toBe(200);
    expect(read.ms).toBeLessThan(5_000);
    expect(read.body).toMatchObject({
      status: 'RUNNING',
      stale: true,
      current_step_index: 2,
      total_steps: 3,
      is_paused: false,
    });
    expect(
      (read.body.step_results as { step_id: string; success: boolean }[]).map((r) => [r.step_id, r.success]),
    ).toEqual([
      ['first', true],
      ['second', true],
    ]);
  });

  it('answers 200 concurrent reads each live or marked stale, never behind the stored progress', async () => {
    // The stored progress just before the burst, as the offline API sees it.
    const stored = Job.parse((await timedGet(offline, `/v1/jobs/${jobId}`)).body);
    expect(stored.stale).toBe(true);
    const floor = stored.execution_progress.current_step;
    expect(floor).toBe(2);

    const began = Date.now();
    const reads = await Promise.all(Array.from({ length: BURST }, () => timedGet(stack.app, `/v1/jobs/${jobId}`)));
    const wallMs = Date.now() - began;
    const slowest = Math.max(...reads.map((r) => r.ms));
    const staleCount = reads.filter((r) => r.body.stale === true).length;
    console.log(
      `reads-under-failure: ${BURST} concurrent GETs in ${wallMs} ms, slowest ${slowest} ms, ${staleCount} stale`,
    );

    for (const read of reads) {
      expect(read.status).toBe(200);
      // Live answers carry no marker; fallbacks say so.
      expect([undefined, true]).toContain(read.body.stale);
      const job = Job.parse(read.body);
      expect(job.status).toBe('RUNNING');
      expect(job.execution_progress.current_step).toBeGreaterThanOrEqual(floor);
      expect(job.steps.map((s) => s.status)).toEqual(['COMPLETED', 'COMPLETED', 'RUNNING']);
    }
    // A read never hangs: the query's deadline is 2 s, so even a fallback answers well within seconds.
    expect(slowest).toBeLessThan(10_000);
  });

  it('shares one query among reads that began before it was sent, and never answers a read from an older query', async () => {
    // 200 reads that all begin before any query is sent: one query answers them all.
    const burst = countingApp();
    const reads = await Promise.all(Array.from({ length: BURST }, () => timedGet(burst.app, `/v1/jobs/${jobId}`)));
    expect(reads.every((r) => r.status === 200)).toBe(true);
    expect(burst.queries()).toBe(1);

    // A read that begins while a query is on its way does not take that query's answer (it
    // may predate the read); it and every read arriving meanwhile share the next query.
    let open!: () => void;
    const held = countingApp(new Promise<void>((resolve) => (open = resolve)));
    const first = timedGet(held.app, `/v1/jobs/${jobId}`);
    await pollUntil(
      () => Promise.resolve(held.queries()),
      (n) => n === 1,
      { timeoutMs: 5_000, intervalMs: 5 },
    );
    const later = Array.from({ length: 50 }, () => timedGet(held.app, `/v1/jobs/${jobId}`));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(held.queries()).toBe(1);
    open();
    const answers = await Promise.all([first, ...later]);
    expect(held.queries()).toBe(2);
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(answer.body.stale).toBeUndefined();
    }
  });
});
