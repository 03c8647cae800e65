import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUrlSigner, type SignedUrlKind, type UrlSigner } from '@ordo/core';
import { TEST_API_KEY } from '@ordo/testing';
import {
  createJob,
  json,
  problem,
  startApiStack,
  startJob,
  toolStepDefinition,
  upload,
  waitForEnd,
  type ApiStack,
} from './harness';

const KEY = 'test-url-signing-key-0123456789abcdef';
const VIEWER_KEY = 'viewer_key_0123456789abcdefghij';
/** What tool workers reach the app as (`app.request` serves any origin the host check allows). */
const PUBLIC_URL = 'http://localhost';
/** No API key: what an external tool has. */
const NO_KEY = { authorization: '' };

/**
 * Signed URLs against a real store, Temporal and worker: a file's content, a stored value and
 * an upload opened without an API key, for one job, and refused (403 naming the query
 * parameter) when tampered with, expired, for another file, or once the job has ended.
 */
describe('signed URLs', () => {
  let stack: ApiStack;
  const signer = createUrlSigner({ key: KEY, publicUrl: PUBLIC_URL, minTtlSeconds: 600 });
  const req = (path: string, init?: RequestInit) => stack.app.request(path, init);
  /** A URL as the worker makes it, as a path the app serves. */
  const signed = (s: UrlSigner, kind: SignedUrlKind, resource: string, jobId: string) =>
    s.url(kind, resource, jobId, 60).slice(PUBLIC_URL.length);
  let jobId: string;

  beforeAll(async () => {
    stack = await startApiStack('signed-urls', {
      deps: {
        urlSigner: createUrlSigner({ key: KEY }),
        auth: { keys: [TEST_API_KEY, { key: VIEWER_KEY, scope: 'viewer' }] },
      },
    });
    // A job that has not ended (created, not started): its URLs open.
    jobId = (await createJob(stack, { steps: [toolStepDefinition('wait', 'sleep', { ms: 1 })] })).job_id;
  });
  afterAll(async () => stack.stop());

  async function uploadText(text: string, name: string): Promise<{ file_id: string; name: string }> {
    const res = await req('/v1/files', upload(new TextEncoder().encode(text), name, 'text/plain'));
    expect(res.status, await res.clone().text()).toBe(201);
    return (await res.json()) as { file_id: string; name: string };
  }

  it("downloads a file's bytes with its signed URL and no API key", async () => {
    const file = await uploadText('a,b\n1,2\n', 'data.csv');
    const res = await req(signed(signer, 'file', file.file_id, jobId), { headers: NO_KEY });
    expect(res.status, await res.clone().text()).toBe(200);
    expect(await res.text()).toBe('a,b\n1,2\n');
    // Without the signature, no key is a 401 as always.
    await problem(await req(`/v1/files/${file.file_id}/content`, { headers: NO_KEY }), 401);
  });

  it('refuses a tampered signature, another file, another job and an expired URL, naming the query parameter', async () => {
    const file = await uploadText('first', 'one.txt');
    const other = await uploadText('second', 'two.txt');
    const url = new URL(signer.url('file', file.file_id, jobId, 60));
    const signature = url.searchParams.get('signature')!;
    const refusal = async (path: string) => {
      const p = await problem(await req(path, { headers: NO_KEY }), 403);
      expect(p.code).toBe('SIGNED_URL_REFUSED');
      return p.errors?.[0]?.field;
    };
    const tampered = new URL(url);
    tampered.searchParams.set('signature', `${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}`);
    expect(await refusal(`${tampered.pathname}${tampered.search}`)).toBe('query.signature');
    // The same query on another file's path.
    expect(await refusal(`/v1/files/${other.file_id}/content${url.search}`)).toBe('query.signature');
    const otherJob = new URL(url);
    otherJob.searchParams.set('job_id', 'job_someone_else');
    expect(await refusal(`${otherJob.pathname}${otherJob.search}`)).toBe('query.signature');
    // Signed an hour ago for ten minutes.
    const past = createUrlSigner({ key: KEY, publicUrl: PUBLIC_URL, now: () => Date.now() - 3600_000 });
    expect(await refusal(signed(past, 'file', file.file_id, jobId))).toBe('query.expires');
    // Signed with another key.
    const foreign = createUrlSigner({ key: 'another-key-of-at-least-32-characters', publicUrl: PUBLIC_URL });
    expect(await refusal(signed(foreign, 'file', file.file_id, jobId))).toBe('query.signature');
    // A job that does not exist, even correctly signed.
    expect(await refusal(signed(signer, 'file', file.file_id, 'job_nowhere'))).toBe('query.job_id');
  });

  it('opens nothing else: the same query on another route needs a key', async () => {
    const file = await uploadText('meta', 'meta.txt');
    const url = new URL(signer.url('file', file.file_id, jobId, 60));
    await problem(await req(`/v1/files/${file.file_id}${url.search}`, { headers: NO_KEY }), 401);
    await problem(await req(`/v1/jobs/${jobId}${url.search}`, { headers: NO_KEY }), 401);
    const del = await req(`/v1/files/${file.file_id}/content${url.search}`, { method: 'DELETE', headers: NO_KEY });
    expect(del.status).toBe(401);
  });

  it('no longer opens once the job has ended', async () => {
    const job = await createJob(stack, { steps: [toolStepDefinition('wait', 'sleep', { ms: 1 })] });
    const file = await uploadText('ended', 'ended.txt');
    const path = signed(signer, 'file', file.file_id, job.job_id);
    expect((await req(path, { headers: NO_KEY })).status).toBe(200);
    await startJob(stack, job.job_id);
    expect((await waitForEnd(stack, job.job_id)).status).toBe('COMPLETED');
    const p = await problem(await req(path, { headers: NO_KEY }), 403);
    expect(p.errors).toEqual([{ field: 'query.job_id', message: expect.stringContaining('COMPLETED') }]);
    await problem(
      await req(signed(signer, 'upload', '', job.job_id), { ...upload(new Uint8Array([1]), 'x.bin'), headers: NO_KEY }),
      403,
    );
  });

  it("serves a stored value's JSON with its signed URL, and only with one", async () => {
    const value = { rows: Array.from({ length: 50 }, (_, i) => ({ i, label: `row ${i}` })) };
    const { sha256 } = await stack.store.blobs.put(new TextEncoder().encode(JSON.stringify(value)));
    const res = await req(signed(signer, 'value', sha256, jobId), { headers: NO_KEY });
    expect(res.status, await res.clone().text()).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.json()).toEqual(value);
    // An API key alone does not open it: the route takes signed URLs only.
    const keyed = await problem(await req(`/v1/values/${sha256}`), 422);
    expect(keyed.errors?.map((e) => e.field)).toEqual(['query.job_id', 'query.expires', 'query.signature']);
    await problem(await req(signed(signer, 'value', 'f'.repeat(64), jobId), { headers: NO_KEY }), 404);
    // Another value's URL does not open this one.
    const other = new URL(signer.url('value', 'f'.repeat(64), jobId, 60));
    await problem(await req(`/v1/values/${sha256}${other.search}`, { headers: NO_KEY }), 403);
  });

  it('stores a file uploaded to an upload URL as POST /v1/files does', async () => {
    const path = signed(signer, 'upload', '', jobId);
    const res = await req(path, {
      ...upload(new TextEncoder().encode('id,total\n1,9\n'), 'report.csv', 'application/pdf'),
      headers: NO_KEY,
    });
    expect(res.status, await res.clone().text()).toBe(201);
    const file = (await res.json()) as { file_id: string; name: string; mime_type: string; size: number };
    // Type detected from the content, as through the API key's route: a text file sent as application/pdf is text/plain.
    expect(file).toEqual({ file_id: expect.any(String), name: 'report.csv', mime_type: 'text/plain', size: 13 });
    expect(res.headers.get('location')).toBe(`/v1/files/${file.file_id}`);
    const meta = await req(`/v1/files/${file.file_id}`);
    expect(meta.status).toBe(200);
    expect(await meta.json()).toMatchObject({ file_id: file.file_id, name: 'report.csv', size: 13 });
    // The same rules: an empty file is a 422 naming `file`.
    const empty = await problem(await req(path, { ...upload(new Uint8Array(), 'empty.csv'), headers: NO_KEY }), 422);
    expect(empty.errors?.[0]?.field).toBe('file');
    // A download URL does not upload.
    const download = new URL(signer.url('file', file.file_id, jobId, 60));
    await problem(
      await req(`/v1/uploads${download.search}`, { ...upload(new Uint8Array([1]), 'x.bin'), headers: NO_KEY }),
      403,
    );
  });

  it("refuses a viewer's upload through POST /v1/files: the route's scope check runs before its size cap", async () => {
    const viewer = { authorization: `Bearer ${VIEWER_KEY}` };
    const p = await problem(
      await req('/v1/files', { ...upload(new Uint8Array([1, 2]), 'v.bin'), headers: viewer }),
      403,
    );
    expect(p.code).toBe('FORBIDDEN');
  });

  it('declares the routes, the signed-URL scheme and the 403 in the OpenAPI document', async () => {
    const doc = (await (await req('/openapi.json')).json()) as {
      paths: Record<
        string,
        Record<
          string,
          { security?: unknown[]; responses: Record<string, unknown>; parameters?: { name: string; in: string }[] }
        >
      >;
      components: { securitySchemes: Record<string, { type: string; in?: string; name?: string }> };
    };
    expect(doc.components.securitySchemes.signedUrl).toMatchObject({ type: 'apiKey', in: 'query', name: 'signature' });
    const content = doc.paths['/v1/files/{file_id}/content']!.get!;
    expect(content.security).toEqual([{ bearerAuth: [] }, { signedUrl: [] }]);
    expect(Object.keys(content.responses)).toContain('403');
    expect(
      content.parameters
        ?.filter((p) => p.in === 'query')
        .map((p) => p.name)
        .sort(),
    ).toEqual(['expires', 'job_id', 'signature']);
    expect(doc.paths['/v1/values/{sha256}']!.get!.security).toEqual([{ signedUrl: [] }]);
    expect(doc.paths['/v1/uploads']!.post!.security).toEqual([{ signedUrl: [] }]);
    expect(Object.keys(doc.paths['/v1/uploads']!.post!.responses)).toEqual(
      expect.arrayContaining(['201', '403', '413']),
    );
  });

  it('refuses every signed URL when the API has no signing key', async () => {
    const { createApp } = await import('../src/index');
    const { checkedApp } = await import('./harness');
    const { urlSigner: _omitted, ...rest } = stack.deps;
    const app = checkedApp(createApp(rest));
    const file = await uploadText('no key', 'nokey.txt');
    const p = await problem(await app.request(signed(signer, 'file', file.file_id, jobId), json('GET')), 403);
    expect(p.errors?.[0]).toEqual({
      field: 'query.signature',
      message: expect.stringContaining('ORDO_URL_SIGNING_KEY'),
    });
  });
});
