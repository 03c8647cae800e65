import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Job } from '@ordo/core';
import {
  connectClient,
  freePort,
  makePdf,
  pollUntil,
  seedFile,
  startOrdoProcess,
  tempDataDir,
  temporalAddress,
  temporalNamespace,
  uniqueTaskQueue,
  waitForReady,
  withApiKey,
  type OrdoProcess,
} from '@ordo/testing';
import { fetchChecked } from './openapi-check';
import { HoldingProxy } from './holding-proxy';

/**
 * The API process killed in the middle of a start, on both sides of Temporal's answer:
 * real API and worker processes, the API talking to Temporal through a proxy the test
 * holds. Whatever the moment of death, the job is PENDING with no run or its workflow
 * runs it, and either way it can be brought to COMPLETED.
 */
describe('a start survives the API dying mid-start', () => {
  let dataDir: Awaited<ReturnType<typeof tempDataDir>>;
  let proxy: HoldingProxy;
  let temporal: Client;
  let base: string;
  let apiEnv: Record<string, string>;
  let workerEnv: Record<string, string>;
  let fileId: string;
  let api: OrdoProcess | undefined;
  let worker: OrdoProcess | undefined;
  const processes: OrdoProcess[] = [];

  const call = (path: string, init?: RequestInit) => fetchChecked(`${base}${path}`, withApiKey(init));
  const send = (method: string, path: string, body: unknown) =>
    call(path, {
      method,
      headers: { 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const readJob = async (jobId: string) => {
    const res = await call(`/v1/jobs/${jobId}`);
    expect(res.status).toBe(200);
    return Job.parse(await res.json());
  };

  function start(app: 'api' | 'worker'): OrdoProcess {
    const p = startOrdoProcess(app, app === 'api' ? apiEnv : workerEnv);
    processes.push(p);
    return p;
  }

  /** The API, once its database and Temporal answer: no worker polls while it starts here. */
  async function startApi(): Promise<OrdoProcess> {
    const p = start('api');
    await waitForReady(base, ['database', 'temporal']);
    return p;
  }

  /** SIGKILL: no shutdown handler runs, nothing is flushed. */
  async function kill(p: OrdoProcess): Promise<void> {
    await p.kill();
    expect(p.child.signalCode).toBe('SIGKILL');
  }

  /** A seed job with valid inputs, ready to start. */
  async function createReadyJob(): Promise<Job> {
    const created = await send('POST', '/v1/jobs', seedFile('create-job-request.json'));
    expect(created.status).toBe(201);
    const job = Job.parse(await created.json());
    expect((await send('PUT', `/v1/jobs/${job.job_id}/inputs/input_doc`, { value: { file_id: fileId } })).status).toBe(
      200,
    );
    const ready = await send('PUT', `/v1/jobs/${job.job_id}/inputs/depth`, { value: 'basic' });
    expect(ready.status).toBe(200);
    expect(Job.parse(await ready.json()).input_errors).toEqual({});
    return job;
  }

  /**
   * The run's status once Temporal has closed it: the job reads COMPLETED as soon as the last
   * step's activity recorded the run's ending, a moment before the workflow's own completion.
   */
  async function closedRunStatus(jobId: string): Promise<string | undefined> {
    const run = await pollUntil(
      () => describeRun(jobId),
      (d) => d?.status.name !== 'RUNNING',
      { timeoutMs: 30_000, intervalMs: 100 },
    );
    return run?.status.name;
  }

  async function describeRun(jobId: string) {
    try {
      return await temporal.workflow.getHandle(jobId).describe();
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return undefined;
      throw err;
    }
  }

  beforeAll(async () => {
    dataDir = await tempDataDir('crash-start');
    proxy = await HoldingProxy.start(temporalAddress());
    temporal = await connectClient();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const shared = {
      TEMPORAL_NAMESPACE: temporalNamespace(),
      ORDO_TASK_QUEUE: uniqueTaskQueue('crash-start'),
      ORDO_DATA_DIR: dataDir.path,
      ORDO_TEST_TOOLS: '1',
      // SQLite: startOrdoProcess passes the test's own environment through.
      DATABASE_URL: '',
    };
    // Only the API goes through the proxy; the worker talks to Temporal directly.
    apiEnv = { ...shared, PORT: String(port), HOST: '127.0.0.1', TEMPORAL_ADDRESS: proxy.address };
    workerEnv = { ...shared, TEMPORAL_ADDRESS: temporalAddress() };

    api = await startApi();
    expect((await send('POST', '/v1/workflows', seedFile('wf_analyze_document.json'))).status).toBe(201);
    const form = new FormData();
    form.append(
      'file',
      new Blob([await makePdf([['Northwind results', 'Revenue reached $7.5 million, with growth of 12%.']])], {
        type: 'application/pdf',
      }),
      'northwind.pdf',
    );
    const uploaded = await call('/v1/files', { method: 'POST', body: form });
    expect(uploaded.status).toBe(201);
    fileId = ((await uploaded.json()) as { file_id: string }).file_id;
  });

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.stop()));
    await proxy?.close();
    await temporal?.connection.close();
    await dataDir?.remove();
  });

  it('dies before Temporal hears the start: the job stays PENDING with no run, and starts again to COMPLETED', async () => {
    const job = await createReadyJob();
    // The connection is up (health answered through it); from now on the API's calls stall in the proxy.
    proxy.hold('to-server');
    const inFlight = call(`/v1/jobs/${job.job_id}/start`, { method: 'POST' }).then(
      (res) => ({ answered: res.status }),
      (err: unknown) => ({ failed: String(err) }),
    );
    // StartWorkflowExecution is on its way: its message (the workflow ID is plain in the
    // protobuf) sits in the proxy, so the API is waiting on Temporal when it dies.
    await pollUntil(
      () => Promise.resolve(proxy.heldMessages('to-server').some((message) => message.includes(job.job_id))),
      (seen) => seen,
      { timeoutMs: 10_000, intervalMs: 20 },
    );
    await kill(api!);
    proxy.drop();
    proxy.release();
    expect(await inFlight).toMatchObject({ failed: expect.any(String) });
    expect(await describeRun(job.job_id)).toBeUndefined();

    api = await startApi();
    const after = await readJob(job.job_id);
    expect(after).toMatchObject({ status: 'PENDING', runs: [], execution_progress: { current_step: 0 } });
    expect(after.started_at).toBeUndefined();
    expect(after.steps.map((s) => s.status)).toEqual(['PENDING', 'PENDING']);
    expect(after.stale).toBeUndefined();
    // Still PENDING for every purpose: its inputs can change, and it starts.
    expect((await send('PUT', `/v1/jobs/${job.job_id}/inputs/depth`, { value: 'detailed' })).status).toBe(200);

    worker = start('worker');
    const started = await call(`/v1/jobs/${job.job_id}/start`, { method: 'POST' });
    expect(started.status, await started.clone().text()).toBe(202);
    const done = await pollUntil(
      () => readJob(job.job_id),
      (j) => j.status === 'COMPLETED' || j.status === 'FAILED',
      { timeoutMs: 60_000, intervalMs: 200 },
    );
    expect(done.status).toBe('COMPLETED');
    expect(Object.keys(done.output_data)).toEqual(['final_analysis']);
    expect(done.runs).toHaveLength(1);
    expect(await closedRunStatus(job.job_id)).toBe('COMPLETED');
  });

  it('dies after Temporal started the run but before hearing so: the workflow claims the job itself and completes it', async () => {
    // No worker while the API dies, so the moment between the run's start and its claim can be looked at.
    await worker?.stop();
    worker = undefined;
    const job = await createReadyJob();
    proxy.hold('to-client');
    const inFlight = call(`/v1/jobs/${job.job_id}/start`, { method: 'POST' }).then(
      (res) => ({ answered: res.status }),
      (err: unknown) => ({ failed: String(err) }),
    );
    // Temporal has the run; the API's answer from Temporal is held, so the API cannot know.
    const described = await pollUntil(
      () => describeRun(job.job_id),
      (d) => d !== undefined,
      { timeoutMs: 10_000, intervalMs: 50 },
    );
    await kill(api!);
    proxy.drop();
    proxy.release();
    expect(await inFlight).toMatchObject({ failed: expect.any(String) });
    expect(described?.status.name).toBe('RUNNING');
    const runId = described!.runId;

    api = await startApi();
    // The API died before its claim (made once Temporal answers), and no worker has claimed the job yet: still PENDING in the database...
    const unclaimed = await readJob(job.job_id);
    expect(unclaimed).toMatchObject({ status: 'PENDING', runs: [] });
    // ...but its run exists, so a second start is refused instead of starting another one.
    const twice = await call(`/v1/jobs/${job.job_id}/start`, { method: 'POST' });
    expect(twice.status, await twice.clone().text()).toBe(409);
    expect(twice.headers.get('content-type')).toBe('application/problem+json');
    expect(await twice.json()).toMatchObject({ code: 'JOB_NOT_PENDING', job_status: 'RUNNING' });

    // A worker comes: the workflow records RUNNING itself and runs the job to the end.
    worker = start('worker');
    const done = await pollUntil(
      () => readJob(job.job_id),
      (j) => j.status === 'COMPLETED' || j.status === 'FAILED',
      { timeoutMs: 60_000, intervalMs: 200 },
    );
    expect(done.status).toBe('COMPLETED');
    expect(done.runs).toEqual([
      expect.objectContaining({
        run_id: runId,
        status: 'COMPLETED',
        started_at: done.started_at,
        completed_at: done.completed_at,
      }),
    ]);
    expect(done.steps.map((s) => [s.status, s.attempt])).toEqual([
      ['COMPLETED', 1],
      ['COMPLETED', 1],
    ]);
    expect(Object.keys(done.output_data)).toEqual(['final_analysis']);
    expect(await closedRunStatus(job.job_id)).toBe('COMPLETED');

    const again = await call(`/v1/jobs/${job.job_id}/start`, { method: 'POST' });
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ code: 'JOB_NOT_PENDING', job_status: 'COMPLETED' });
  });
});
