import { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Job } from '@ordo/core';
import { openStore, registerBuiltinTools, type OrdoStore } from '@ordo/storage';
import { seedFile, tempDataDir, unreachableTemporalAddress } from '@ordo/testing';
import { TOOL_DESCRIPTORS } from '@ordo/tools';
import { createApp, LazyNativeConnection } from '../src/index';
import { checkedApp, json, problem, sendingTestKey, TEST_AUTH } from './harness';

/** With Temporal unreachable the API says so, and a refused start leaves the job as it was. */
describe('API with Temporal unreachable', () => {
  let store: OrdoStore;
  let removeDir: () => Promise<void>;
  let connection: LazyNativeConnection;
  let app: ReturnType<typeof createApp>;

  beforeAll(async () => {
    const dir = await tempDataDir('temporal-down');
    removeDir = dir.remove;
    store = await openStore({ dataDir: dir.path });
    await registerBuiltinTools(store, TOOL_DESCRIPTORS, 'nowhere');
    // A port nothing listens on: the API's own connection, failing every call at once.
    connection = new LazyNativeConnection({ address: await unreachableTemporalAddress() });
    app = checkedApp(
      sendingTestKey(
        createApp({
          store,
          temporal: { client: new Client({ connection }), taskQueue: 'nowhere' },
          maxUploadBytes: 1024,
          auth: TEST_AUTH,
        }),
      ),
    );
  });
  afterAll(async () => {
    await connection.close();
    await store.close();
    await removeDir();
  });

  it('reports Temporal as unavailable on /ready, and stays live on /health', async () => {
    const began = Date.now();
    const notReady = await problem(await app.request('/ready'), 503);
    expect(Date.now() - began).toBeLessThan(5000);
    expect(notReady).toMatchObject({
      code: 'NOT_READY',
      checks: { database: 'ok', temporal: 'unavailable', worker: 'unavailable' },
    });
    expect(notReady.detail).toMatch(/^unavailable: temporal, worker/);
    expect(notReady.errors?.map((e) => e.field)).toEqual(['checks.temporal', 'checks.worker']);
    const live = await app.request('/health');
    expect(live.status).toBe(200);
    expect(await live.json()).toEqual({ status: 'ok' });
  });

  it('refuses to start a job with 503 and leaves it PENDING, ready to start again', async () => {
    expect((await app.request('/v1/workflows', json('POST', seedFile('wf_analyze_document.json')))).status).toBe(201);
    const job = Job.parse(
      await (
        await app.request('/v1/jobs', json('POST', { workflow_id: 'wf_analyze_document', name: 'offline' }))
      ).json(),
    );
    const form = new FormData();
    form.append('file', new Blob([new TextEncoder().encode('%PDF-1.4 tiny')], { type: 'application/pdf' }), 'tiny.pdf');
    const file = (await (await app.request('/v1/files', { method: 'POST', body: form })).json()) as { file_id: string };
    await app.request(`/v1/jobs/${job.job_id}/inputs/input_doc`, json('PUT', { value: { file_id: file.file_id } }));
    await app.request(`/v1/jobs/${job.job_id}/inputs/depth`, json('PUT', { value: 'basic' }));

    const res = await app.request(`/v1/jobs/${job.job_id}/start`, { method: 'POST' });
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(((await res.json()) as { code: string }).code).toBe('TEMPORAL_UNAVAILABLE');
    const stored = await store.jobs.getStored(job.job_id);
    expect(stored?.run).toBeUndefined();
    expect(stored?.runs).toEqual([]);
    const view = Job.parse(await (await app.request(`/v1/jobs/${job.job_id}`)).json());
    expect(view).toMatchObject({ status: 'PENDING', live_output: '' });
    expect(view.started_at).toBeUndefined();

    // Created and started in one request: the job is kept, PENDING with its inputs, and the problem names it.
    const both = await app.request(
      '/v1/jobs',
      json('POST', {
        workflow_id: 'wf_analyze_document',
        name: 'offline too',
        input_values: { input_doc: { file_id: file.file_id }, depth: 'basic' },
        start: true,
      }),
    );
    const refused = (await problem(both, 503)) as { code: string; job_id?: string; detail?: string };
    expect(refused.code).toBe('TEMPORAL_UNAVAILABLE');
    expect(refused.detail).toContain(`start it with POST /v1/jobs/${refused.job_id}/start`);
    const kept = Job.parse(await (await app.request(`/v1/jobs/${refused.job_id}`)).json());
    expect(kept).toMatchObject({
      status: 'PENDING',
      input_values: { input_doc: { file_id: file.file_id }, depth: 'basic' },
      input_errors: {},
    });
    expect(kept.runs).toEqual([]);
  });

  it('refuses an upload over the size limit with 413', async () => {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(4096)], { type: 'application/pdf' }), 'big.pdf');
    const res = await app.request('/v1/files', { method: 'POST', body: form });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { errors: { field: string }[] }).errors[0]?.field).toBe('file');
  });
});
