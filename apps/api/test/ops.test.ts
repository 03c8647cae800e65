import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Job } from '@ordo/core';
import { openStore } from '@ordo/storage';
import { seedFile, TEST_API_KEY, temporalAddress, temporalNamespace } from '@ordo/testing';
import { Client, Connection } from '@temporalio/client';
import { createApp } from '../src/index';
import { json, problem, sendingTestKey, startApiStack, type ApiStack } from './harness';
import { HoldingProxy } from './holding-proxy';
import { checkedApp } from './openapi-check';

/** Authentication, the Host check, path limits, idempotency keys and pagination caps, through `app.request()`. */
describe('the API secured and safe to retry', () => {
  let stack: ApiStack;
  const req = (path: string, init?: RequestInit) => stack.app.request(path, init);

  beforeAll(async () => {
    stack = await startApiStack('ops', {
      worker: false,
      deps: { auth: { keys: [TEST_API_KEY, 'second_key_for_rotation_0123456789'] } },
    });
    expect((await req('/v1/workflows', json('POST', seedFile('wf_analyze_document.json')))).status).toBe(201);
  });
  afterAll(async () => stack.stop());

  const createRequest = () => json('POST', seedFile('create-job-request.json'));
  const withKey = (init: RequestInit, key: string) => ({
    ...init,
    headers: { ...(init.headers as Record<string, string>), 'Idempotency-Key': key },
  });

  describe('authentication', () => {
    it('refuses a request without a key, with a malformed header, or with a wrong key: 401 problem with WWW-Authenticate', async () => {
      const none = await req('/v1/tools', { headers: { authorization: '' } });
      expect((await problem(none, 401)).code).toBe('UNAUTHORIZED');
      expect(none.headers.get('www-authenticate')).toBe('Bearer realm="ordo"');
      const basic = await problem(await req('/v1/tools', { headers: { authorization: 'Basic dXNlcjpwYXNz' } }), 401);
      expect(basic.errors).toEqual([{ field: 'authorization', message: 'must be `Bearer <API key>`' }]);
      const wrong = await req('/v1/tools', { headers: { authorization: 'Bearer not_the_key_at_all_0123456789' } });
      expect((await problem(wrong, 401)).detail).toBe('the API key is not valid');
      expect(wrong.headers.get('www-authenticate')).toBe('Bearer realm="ordo", error="invalid_token"');
      // A key's prefix or a longer string starting with it is no key.
      await problem(await req('/v1/tools', { headers: { authorization: `Bearer ${TEST_API_KEY.slice(0, -1)}` } }), 401);
      await problem(await req('/v1/tools', { headers: { authorization: `Bearer ${TEST_API_KEY}x` } }), 401);
      // Refused before anything else is looked at: not a 404, 405 or 415.
      await problem(await req('/v1/nothing-here', { headers: { authorization: '' } }), 401);
      await problem(
        await req('/v1/jobs', {
          method: 'POST',
          headers: { authorization: '', 'content-type': 'text/plain' },
          body: 'x',
        }),
        401,
      );
    });

    it('accepts every configured key (rotation), in any case of the scheme', async () => {
      expect((await req('/v1/tools')).status).toBe(200);
      expect(
        (await req('/v1/tools', { headers: { authorization: 'Bearer second_key_for_rotation_0123456789' } })).status,
      ).toBe(200);
      expect((await req('/v1/tools', { headers: { authorization: `bearer ${TEST_API_KEY}` } })).status).toBe(200);
    });

    it('serves /health, /ready, /openapi.json and /docs without a key', async () => {
      const open = { headers: { authorization: '' } };
      expect((await req('/health', open)).status).toBe(200);
      // No worker polls this stack's task queue: not ready, and saying so without a key.
      expect((await problem(await req('/ready', open), 503)).code).toBe('NOT_READY');
      expect((await req('/openapi.json', open)).status).toBe(200);
      // /docs may not exist on this build; whatever it answers, it is not a 401.
      expect((await req('/docs', open)).status).not.toBe(401);
    });

    it('closes the API when no key is configured, and opens it only with auth off', async () => {
      const closed = sendingTestKey(createApp({ ...stack.deps, auth: undefined }));
      await problem(await closed.request('/v1/tools'), 401);
      const noKeys = createApp({ ...stack.deps, auth: { keys: [] } });
      await problem(await noKeys.request('/v1/tools', { headers: { authorization: 'Bearer ' } }), 401);
      const off = createApp({ ...stack.deps, auth: 'off' });
      expect((await off.request('/v1/tools')).status).toBe(200);
    });

    it('documents the bearer scheme, required everywhere but the open routes', async () => {
      const doc = (await (await req('/openapi.json')).json()) as {
        security: unknown;
        components: { securitySchemes: Record<string, unknown> };
        paths: Record<string, Record<string, { security?: unknown; responses: Record<string, unknown> }>>;
      };
      expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
      expect(doc.security).toEqual([{ bearerAuth: [] }]);
      expect(doc.paths['/health']?.get?.security).toEqual([]);
      expect(doc.paths['/ready']?.get?.security).toEqual([]);
      expect(Object.keys(doc.paths['/health']?.get?.responses ?? {})).not.toContain('401');
      expect(Object.keys(doc.paths['/v1/tools']?.get?.responses ?? {})).toEqual(expect.arrayContaining(['401', '421']));
    });
  });

  describe('the Host header', () => {
    it('serves loopback names on any port, and refuses any other host with 421', async () => {
      for (const host of ['localhost', '127.0.0.1:3000', 'LOCALHOST:8080', '[::1]:3000']) {
        expect((await req(`http://${host}/v1/tools`)).status, host).toBe(200);
      }
      const refused = await problem(await req('http://evil.example:3000/v1/tools'), 421);
      expect(refused.code).toBe('HOST_NOT_ALLOWED');
      // Open routes too: a rebinding page learns nothing there either.
      await problem(await req('http://attacker.test/health'), 421);
    });

    it('serves the configured names, and any host with *', async () => {
      const named = sendingTestKey(createApp({ ...stack.deps, allowedHosts: ['ordo.internal'] }));
      expect((await named.request('http://ordo.internal/v1/tools')).status).toBe(200);
      await problem(await named.request('http://other.internal/v1/tools'), 421);
      const any = sendingTestKey(createApp({ ...stack.deps, allowedHosts: ['*'] }));
      expect((await any.request('http://anything.example/v1/tools')).status).toBe(200);
    });
  });

  describe('limits', () => {
    it('refuses a path ID over 128 characters with 422 naming the parameter', async () => {
      const long = 'j'.repeat(129);
      const p = await problem(await req(`/v1/jobs/${long}`), 422);
      expect(p.errors).toEqual([{ field: 'param.job_id', message: 'must be at most 128 characters (got 129)' }]);
      expect((await problem(await req(`/v1/jobs/${long}/start`, { method: 'POST' }), 422)).errors?.[0]?.field).toBe(
        'param.job_id',
      );
      expect((await problem(await req(`/v1/files/${'f'.repeat(300)}`), 422)).errors?.[0]?.field).toBe('param.file_id');
      // At the cap it is an ordinary lookup.
      await problem(await req(`/v1/jobs/${'j'.repeat(128)}`), 404);
    });

    it('caps list pages: limit beyond 1–200 is a 422 naming query.limit', async () => {
      for (const limit of ['0', '201', '10000', 'abc', '-1']) {
        const p = await problem(await req(`/v1/jobs?limit=${limit}`), 422);
        expect(p.errors?.[0]?.field, limit).toBe('query.limit');
      }
      expect((await req('/v1/jobs?limit=200')).status).toBe(200);
    });

    it('refuses a JSON body over the cap with 413', async () => {
      const big = JSON.stringify({
        workflow_id: 'wf_analyze_document',
        name: 'x',
        description: 'd'.repeat(1024 * 1024),
      });
      expect((await problem(await req('/v1/jobs', json('POST', big)), 413)).code).toBe('PAYLOAD_TOO_LARGE');
    });
  });

  describe('Idempotency-Key', () => {
    it('answers a retried job creation with the first response: the same job_id, marked as a replay', async () => {
      const first = await req('/v1/jobs', withKey(createRequest(), 'create-1'));
      expect(first.status).toBe(201);
      expect(first.headers.get('idempotent-replayed')).toBeNull();
      const job = Job.parse(await first.json());
      const again = await req('/v1/jobs', withKey(createRequest(), 'create-1'));
      expect(again.status).toBe(201);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(again.headers.get('location')).toBe(`/v1/jobs/${job.job_id}`);
      expect(Job.parse(await again.json()).job_id).toBe(job.job_id);
      // The same body with its keys in another order is the same request.
      const reordered = JSON.stringify(
        Object.fromEntries(Object.entries(JSON.parse(seedFile('create-job-request.json')) as object).reverse()),
      );
      expect(Job.parse(await (await req('/v1/jobs', withKey(json('POST', reordered), 'create-1'))).json()).job_id).toBe(
        job.job_id,
      );
      // Without a key, every request creates.
      const other = Job.parse(await (await req('/v1/jobs', createRequest())).json());
      expect(other.job_id).not.toBe(job.job_id);
    });

    it('answers the same through a second API instance on the same database (and after a restart)', async () => {
      const first = Job.parse(await (await req('/v1/jobs', withKey(createRequest(), 'create-2'))).json());
      const secondStore = await openStore(stack.storeConfig);
      try {
        const second = sendingTestKey(createApp({ ...stack.deps, store: secondStore }));
        const replayed = await second.request('/v1/jobs', withKey(createRequest(), 'create-2'));
        expect(replayed.headers.get('idempotent-replayed')).toBe('true');
        expect(Job.parse(await replayed.json()).job_id).toBe(first.job_id);
      } finally {
        await secondStore.close();
      }
    });

    it('refuses the key with another body, method or path (422), and scopes keys to the API key', async () => {
      expect((await req('/v1/jobs', withKey(createRequest(), 'create-3'))).status).toBe(201);
      const other = json('POST', { workflow_id: 'wf_analyze_document', name: 'another job' });
      const p = await problem(await req('/v1/jobs', withKey(other, 'create-3')), 422);
      expect(p.code).toBe('IDEMPOTENCY_KEY_REUSED');
      expect(p.errors).toEqual([
        { field: 'header.idempotency-key', message: 'was already used with a different request' },
      ]);
      expect(
        (await problem(await req('/v1/jobs/job_x/cancel', withKey({ method: 'POST' }, 'create-3')), 422)).code,
      ).toBe('IDEMPOTENCY_KEY_REUSED');
      // The other API key has its own key space.
      const otherCaller = await req(
        '/v1/jobs',
        withKey(
          {
            ...other,
            headers: {
              ...(other.headers as Record<string, string>),
              authorization: 'Bearer second_key_for_rotation_0123456789',
            },
          },
          'create-3',
        ),
      );
      expect(otherCaller.status).toBe(201);
      expect(otherCaller.headers.get('idempotent-replayed')).toBeNull();
    });

    it('replays a 4xx answer too, and refuses a malformed key', async () => {
      const missing = await problem(
        await req('/v1/jobs/job_missing/pause', withKey({ method: 'POST' }, 'pause-1')),
        404,
      );
      const replay = await req('/v1/jobs/job_missing/pause', withKey({ method: 'POST' }, 'pause-1'));
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      expect(await problem(replay, 404)).toEqual(missing);
      expect(
        (await problem(await req('/v1/jobs', withKey(createRequest(), 'k'.repeat(256))), 422)).errors?.[0]?.field,
      ).toBe('header.idempotency-key');
      expect((await problem(await req('/v1/jobs', withKey(createRequest(), '')), 422)).errors?.[0]?.field).toBe(
        'header.idempotency-key',
      );
    });

    it('frees the key when the first request fails with a 5xx, so a retry runs it', async () => {
      const job = Job.parse(await (await req('/v1/jobs', createRequest())).json());
      const pause = () => req(`/v1/jobs/${job.job_id}/pause`, withKey({ method: 'POST' }, 'pause-5xx'));
      // A real fault in the database, not a stand-in: the job's row unreadable for a moment.
      const { steps } = await stack.store.db
        .selectFrom('jobs')
        .select('steps')
        .where('job_id', '=', job.job_id)
        .executeTakeFirstOrThrow();
      await stack.store.db.updateTable('jobs').set({ steps: '{not json' }).where('job_id', '=', job.job_id).execute();
      try {
        expect((await problem(await pause(), 500)).code).toBe('INTERNAL');
      } finally {
        await stack.store.db.updateTable('jobs').set({ steps }).where('job_id', '=', job.job_id).execute();
      }
      const retried = await pause();
      expect((await problem(retried, 409)).code).toBe('JOB_NOT_RUNNING');
      expect(retried.headers.get('idempotent-replayed')).toBeNull();
      expect((await pause()).headers.get('idempotent-replayed')).toBe('true');
    });

    it('refuses a retry while the first request with the key still runs (409 with Retry-After)', async () => {
      const job = Job.parse(await (await req('/v1/jobs', createRequest())).json());
      const file = await req('/v1/files', { method: 'POST', body: pdfForm() });
      const { file_id } = (await file.json()) as { file_id: string };
      const start = () =>
        req(
          `/v1/jobs/${job.job_id}/start`,
          withKey(json('POST', { input_values: { input_doc: { file_id }, depth: 'basic' } }), 'start-1'),
        );
      // The first start is held while Temporal's answer to it is: the API reaches Temporal through a proxy holding its replies.
      const proxy = await HoldingProxy.start(temporalAddress());
      const connection = await Connection.connect({ address: proxy.address });
      const held = checkedApp(
        sendingTestKey(
          createApp({
            ...stack.deps,
            temporal: { ...stack.deps.temporal, client: new Client({ connection, namespace: temporalNamespace() }) },
          }),
        ),
      );
      proxy.hold('to-client');
      const first = held.request(
        `/v1/jobs/${job.job_id}/start`,
        withKey(json('POST', { input_values: { input_doc: { file_id }, depth: 'basic' } }), 'start-1'),
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      const second = await start();
      expect((await problem(second, 409)).code).toBe('IDEMPOTENCY_KEY_IN_USE');
      expect(second.headers.get('retry-after')).toBe('1');
      proxy.release();
      const firstAnswer = await first;
      await connection.close();
      await proxy.close();
      expect(firstAnswer.status).toBe(202);
      const replay = await start();
      expect(replay.status).toBe(202);
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      expect(await replay.text()).toBe(await firstAnswer.text());
    });
  });
});

function pdfForm(): FormData {
  const form = new FormData();
  form.append('file', new Blob([new TextEncoder().encode('%PDF-1.4 tiny')], { type: 'application/pdf' }), 'tiny.pdf');
  return form;
}
