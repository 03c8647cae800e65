import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Job } from '@ordo/core';
import {
  connectClient,
  freePort,
  pollUntil,
  startOrdoProcess,
  tempDataDir,
  temporalAddress,
  temporalNamespace,
  uniqueTaskQueue,
  waitForOk,
  withApiKey,
  type OrdoProcess,
} from '@ordo/testing';
import { fetchChecked } from './openapi-check';

const CREATES = 30;
/**
 * How soon after the kill every key must be usable again: the default lease (10 s without a
 * renewal) plus a generous margin for the API's restart on a loaded machine; a lease of 2
 * minutes, as keys had before their leases were renewed, misses it by far.
 */
const USABLE_WITHIN_MS = 60_000;

/**
 * The API process killed (SIGKILL) while creates with `Idempotency-Key` and `start: true`
 * are in flight, then every request sent again with its key, on the default lease: each key is
 * free again within about the lease (the dead process no longer renews it), a key whose dead
 * request created its job answers that job, and there is exactly one job per key, each run
 * once, none left PENDING.
 */
describe('Idempotency-Key across the API dying mid-create', () => {
  let dataDir: Awaited<ReturnType<typeof tempDataDir>>;
  let temporal: Client;
  let base: string;
  let apiEnv: Record<string, string>;
  let api: OrdoProcess | undefined;
  const processes: OrdoProcess[] = [];
  const workflowId = 'wf_idem_crash';

  const call = (path: string, init?: RequestInit) => fetchChecked(`${base}${path}`, withApiKey(init));
  const create = (i: number) =>
    call('/v1/jobs', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'Idempotency-Key': `crash-${i}` },
      body: JSON.stringify({ workflow_id: workflowId, name: `job ${i}`, start: true }),
    });

  async function startApi(): Promise<OrdoProcess> {
    const p = startOrdoProcess('api', apiEnv);
    processes.push(p);
    await waitForOk(`${base}/ready`);
    return p;
  }

  beforeAll(async () => {
    dataDir = await tempDataDir('idem-crash');
    temporal = await connectClient();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const shared = {
      TEMPORAL_ADDRESS: temporalAddress(),
      TEMPORAL_NAMESPACE: temporalNamespace(),
      ORDO_TASK_QUEUE: uniqueTaskQueue('idem-crash'),
      ORDO_DATA_DIR: dataDir.path,
      ORDO_TEST_TOOLS: '1',
      // SQLite: startOrdoProcess passes the test's own environment through.
      DATABASE_URL: '',
    };
    apiEnv = { ...shared, PORT: String(port), HOST: '127.0.0.1', ORDO_RUN_SWEEP_INTERVAL_MS: '0' };
    const worker = startOrdoProcess('worker', shared);
    processes.push(worker);
    api = await startApi();
    const created = await call('/v1/workflows', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        workflow_id: workflowId,
        name: workflowId,
        status: 'PUBLISHED',
        input_variables: [],
        steps: [
          {
            step_id: 'nap',
            tool: { tool_id: 'sleep', name: 'sleep' },
            parameter_mappings: { ms: 200 },
            output_mappings: {},
          },
        ],
      }),
    });
    expect(created.status, await created.clone().text()).toBe(201);
  });

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.stop()));
    await temporal?.connection.close();
    await dataDir?.remove();
  });

  it('answers every retried key with its own job, run once, none orphaned PENDING', async () => {
    const answered = new Map<number, string>();
    // Killed while most are still in flight (some have inserted their job, some started its run,
    // some neither): at the third answer, from the answer's own callback, not a poll that a fast
    // API could let all 30 answers overtake.
    let killedAt = 0;
    let killing: Promise<void> | undefined;
    const killed = new Promise<void>((resolve) => {
      const inFlight = Array.from({ length: CREATES }, (_, i) =>
        create(i).then(
          async (res) => {
            if (res.status === 202 && killing === undefined) answered.set(i, Job.parse(await res.json()).job_id);
            if (answered.size >= 3 && killing === undefined) {
              killedAt = Date.now();
              killing = api!.kill();
              resolve();
            }
          },
          () => undefined,
        ),
      );
      void Promise.all(inFlight).then(() => resolve());
    });
    await killed;
    await killing;
    expect(api!.child.signalCode).toBe('SIGKILL');
    console.log(`idempotency-crash: ${answered.size} of ${CREATES} creates answered before the SIGKILL`);
    expect(answered.size).toBeLessThan(CREATES);

    api = await startApi();
    // The jobs the dead requests created before they died, answered or not: their keys name them.
    const before = (
      (await (await call(`/v1/jobs?workflow_id=${workflowId}&limit=200`)).json()) as {
        items: { job_id: string; name: string }[];
      }
    ).items;
    const createdBefore = new Map(before.map((j) => [j.name, j.job_id]));
    const jobIds = new Map<number, string>();
    let lastUsableAt = killedAt;
    for (let i = 0; i < CREATES; i++) {
      // Until the dead request's lease has run out unrenewed, its key answers 409 IDEMPOTENCY_KEY_IN_USE.
      const res = await pollUntil(
        () => create(i),
        (r) => r.status !== 409,
        { timeoutMs: Math.max(1, killedAt + USABLE_WITHIN_MS - Date.now()), intervalMs: 250 },
      );
      lastUsableAt = Math.max(lastUsableAt, Date.now());
      expect([201, 202], await res.clone().text()).toContain(res.status);
      const job = Job.parse(await res.json());
      jobIds.set(i, job.job_id);
      if (answered.has(i)) expect(job.job_id).toBe(answered.get(i));
      if (createdBefore.has(`job ${i}`)) expect(job.job_id, `job ${i}`).toBe(createdBefore.get(`job ${i}`));
    }
    console.log(
      `idempotency-crash: every key usable ${lastUsableAt - killedAt} ms after the SIGKILL; ${createdBefore.size - answered.size} retried keys answered the job their dead request had created`,
    );
    expect(new Set(jobIds.values()).size).toBe(CREATES);

    // Every job ends COMPLETED, having run once; the workflow has no other job.
    const jobs = await pollUntil(
      async () => {
        const res = await call(`/v1/jobs?workflow_id=${workflowId}&limit=200`);
        return ((await res.json()) as { items: { job_id: string; status: string }[] }).items;
      },
      (items) => items.every((j) => j.status === 'COMPLETED' || j.status === 'FAILED'),
      { timeoutMs: 120_000, intervalMs: 500 },
    );
    expect(jobs).toHaveLength(CREATES);
    expect(new Set(jobs.map((j) => j.job_id))).toEqual(new Set(jobIds.values()));
    for (const { job_id } of jobs) {
      const job = Job.parse(await (await call(`/v1/jobs/${job_id}`)).json());
      expect(job.status, job_id).toBe('COMPLETED');
      expect(job.runs, job_id).toHaveLength(1);
      expect(job.steps[0]?.attempt, job_id).toBe(1);
      // One Temporal execution per job: its tool ran once.
      const executions: string[] = [];
      for await (const execution of temporal.workflow.list({ query: `WorkflowId = "${job_id}"` }))
        executions.push(execution.runId);
      expect(executions, job_id).toEqual([job.runs[0]!.run_id]);
    }
  });
});
