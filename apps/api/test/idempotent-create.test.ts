import { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Job } from '@ordo/core';
import { unreachableTemporalAddress } from '@ordo/testing';
import { createApp, LazyNativeConnection, type OrdoApp } from '../src/index';
import {
  checkedApp,
  json,
  problem,
  sendingTestKey,
  publishWorkflow,
  startApiStack,
  toolStepDefinition,
  waitForEnd,
  type ApiStack,
} from './harness';

/**
 * An Idempotency-Key names the job it created for the job's whole life: not only while its
 * stored response lasts, and not freed by a 5xx. A retry with the key answers that job as it
 * is now (started first if the request asked for a start it never got), never a second job.
 */
describe('an Idempotency-Key names one job for its whole life', () => {
  let stack: ApiStack;
  let down: OrdoApp;
  let connection: LazyNativeConnection;
  const workflowId = `wf_idem_${Math.random().toString(36).slice(2, 8)}`;

  const withKey = (key: string, body: unknown): RequestInit => ({
    ...json('POST', body),
    headers: { 'content-type': 'application/json', 'Idempotency-Key': key },
  });
  const createBody = (name: string, start: boolean) => ({ workflow_id: workflowId, name, start });

  async function jobsOfWorkflow(): Promise<{ job_id: string; name: string; status: string }[]> {
    const res = await stack.request(`/v1/jobs?workflow_id=${workflowId}&limit=200`);
    expect(res.status).toBe(200);
    return ((await res.json()) as { items: { job_id: string; name: string; status: string }[] }).items;
  }

  /** As if every stored response had expired: the keys' records are gone, the jobs they created stay. */
  async function forgetStoredResponses(): Promise<void> {
    await stack.store.idempotency.purgeExpired(new Date(Date.now() + 48 * 60 * 60 * 1000));
  }

  beforeAll(async () => {
    stack = await startApiStack('idem-create');
    // A second API over the same database whose Temporal is unreachable: the same store, the same caller.
    connection = new LazyNativeConnection({ address: await unreachableTemporalAddress() });
    down = checkedApp(
      sendingTestKey(
        createApp({ ...stack.deps, temporal: { client: new Client({ connection }), taskQueue: stack.taskQueue } }),
      ),
    );
    await publishWorkflow(stack, workflowId, { steps: [toolStepDefinition('nap', 'sleep', { ms: 50 })] });
  });
  afterAll(async () => {
    await connection?.close();
    await stack?.stop();
  });

  it('Temporal down: 503 with the job kept PENDING; the same key once Temporal is back starts that job, and creates no second one', async () => {
    const body = createBody('while down', true);
    const refused = (await problem(await down.request('/v1/jobs', withKey('down-1', body)), 503)) as {
      code: string;
      job_id?: string;
    };
    expect(refused.code).toBe('TEMPORAL_UNAVAILABLE');
    const jobId = refused.job_id!;
    expect(jobId).toMatch(/^job_/);
    // Still down: the same job again, still not started.
    expect(
      ((await problem(await down.request('/v1/jobs', withKey('down-1', body)), 503)) as { job_id?: string }).job_id,
    ).toBe(jobId);

    const retried = await stack.request('/v1/jobs', withKey('down-1', body));
    expect(retried.status, await retried.clone().text()).toBe(202);
    const started = Job.parse(await retried.json());
    expect(started.job_id).toBe(jobId);
    expect(started.status).toBe('RUNNING');
    const done = await waitForEnd(stack, jobId);
    expect(done.status).toBe('COMPLETED');
    expect(done.runs).toHaveLength(1);
    expect((await jobsOfWorkflow()).filter((j) => j.name === 'while down')).toHaveLength(1);

    // Answered since: its stored response is replayed as it was.
    const replayed = await stack.request('/v1/jobs', withKey('down-1', body));
    expect(replayed.headers.get('idempotent-replayed')).toBe('true');
    expect(Job.parse(await replayed.json()).job_id).toBe(jobId);
  });

  it('once its stored response is gone, a key still answers its job as it is now, and refuses another request', async () => {
    const body = createBody('kept', false);
    const created = await stack.request('/v1/jobs', withKey('kept-1', body));
    expect(created.status).toBe(201);
    const jobId = Job.parse(await created.json()).job_id;

    await forgetStoredResponses();
    const again = await stack.request('/v1/jobs', withKey('kept-1', body));
    expect(again.status, await again.clone().text()).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBeNull();
    expect(Job.parse(await again.json())).toMatchObject({ job_id: jobId, status: 'PENDING' });

    // Started since (by another request): the retry answers it as it is now, a 202.
    expect((await stack.request(`/v1/jobs/${jobId}/start`, json('POST'))).status).toBe(202);
    await waitForEnd(stack, jobId);
    await forgetStoredResponses();
    const later = await stack.request('/v1/jobs', withKey('kept-1', body));
    expect(later.status).toBe(202);
    expect(Job.parse(await later.json())).toMatchObject({ job_id: jobId, status: 'COMPLETED' });

    await forgetStoredResponses();
    expect(
      await problem(await stack.request('/v1/jobs', withKey('kept-1', createBody('another', false))), 422),
    ).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    expect((await jobsOfWorkflow()).filter((j) => j.name === 'kept' || j.name === 'another')).toHaveLength(1);
  });

  it('a start retried with its key after its run began answers that run: not a 409, not a second run', async () => {
    const created = await stack.request('/v1/jobs', json('POST', createBody('start twice', false)));
    const jobId = Job.parse(await created.json()).job_id;
    const first = await stack.request(`/v1/jobs/${jobId}/start`, withKey('start-1', {}));
    expect(first.status).toBe(202);
    const runId = Job.parse(await first.json()).runs[0]!.run_id;
    // The first attempt's answer never arrived and its key's record is gone (expired, or its process died).
    await forgetStoredResponses();
    const retried = await stack.request(`/v1/jobs/${jobId}/start`, withKey('start-1', {}));
    expect(retried.status, await retried.clone().text()).toBe(202);
    expect(Job.parse(await retried.json()).runs.map((r) => r.run_id)).toEqual([runId]);
    // Another start, with another key, is still refused.
    expect(await problem(await stack.request(`/v1/jobs/${jobId}/start`, withKey('start-2', {})), 409)).toMatchObject({
      code: 'JOB_NOT_PENDING',
    });
    const done = await waitForEnd(stack, jobId);
    expect(done.runs.map((r) => r.run_id)).toEqual([runId]);
  });
});
