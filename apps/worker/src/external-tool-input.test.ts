import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createUrlSigner,
  MissingValueError,
  signedUrlTarget,
  storeLargeValues,
  type SchemaValue,
  type ToolParams,
  type ValueRef,
} from '@ordo/core';
import { openStore, toFileValue, type OrdoStore } from '@ordo/storage';
import { createExternalToolInput, ExternalToolInputError } from './external-tool-input';

const KEY = 'external-tool-input-test-key-0123456789';
const PUBLIC_URL = 'https://ordo.example/api';
const signer = createUrlSigner({ key: KEY, publicUrl: PUBLIC_URL, minTtlSeconds: 600 });
const NO_PARAMETERS = { type: 'object', properties: {} };

/** The grant a URL made for the test carries, checked as the API checks it. */
function grantOf(url: unknown, method = 'GET') {
  expect(typeof url).toBe('string');
  const u = new URL(url as string);
  expect(u.origin + u.pathname.slice(0, 4)).toBe(PUBLIC_URL);
  const target = signedUrlTarget(method, u.pathname.slice('/api'.length));
  expect(target).toBeDefined();
  const verified = signer.verify(target!, Object.fromEntries(u.searchParams));
  if (!verified.ok) throw new Error(`refused: ${JSON.stringify(verified.refusal)}`);
  return verified.grant;
}

/** `external-tool-input` over a real SQLite store and its blob store on disk. */
describe('external tool input', () => {
  let dir: string;
  let store: OrdoStore;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ordo-external-input-'));
    store = await openStore({ dataDir: dir });
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const saveFile = async (name: string, text: string) =>
    toFileValue(
      await store.files.save(
        { name, mime_type: 'text/plain', bytes: new TextEncoder().encode(text) },
        new Date().toISOString(),
      ),
    );
  /** A value stored by reference, as a step's large output is. */
  const stored = async (value: SchemaValue): Promise<ValueRef> =>
    (await storeLargeValues({ v: value }, store.blobs, 0)).v as ValueRef;

  it('resolves value references when the parameters stay under the limit', async () => {
    const input = createExternalToolInput({ blobs: store.blobs, signer });
    const rows = Array.from({ length: 200 }, (_, i) => ({ i, name: `row ${i}` }));
    const params: ToolParams = { rows: await stored(rows), nested: { again: [await stored('x'.repeat(400))] }, n: 3 };
    const before = JSON.stringify(params);
    const out = await input.prepare(params, { jobId: 'job_1', parameters: NO_PARAMETERS, validForSeconds: 60 });
    expect(out).toEqual({ rows, nested: { again: ['x'.repeat(400)] }, n: 3 });
    // The step's own parameters are not changed.
    expect(JSON.stringify(params)).toBe(before);
  });

  it('keeps the largest references, with a signed content_url, when resolving all would pass the limit', async () => {
    const input = createExternalToolInput({ blobs: store.blobs, signer, inlineLimitBytes: 8 * 1024 });
    const big = 'b'.repeat(12 * 1024);
    const medium = 'm'.repeat(5 * 1024);
    const small = 's'.repeat(1024);
    const params: ToolParams = { big: await stored(big), medium: await stored(medium), small: await stored(small) };
    const out = await input.prepare(params, { jobId: 'job_2', parameters: NO_PARAMETERS, validForSeconds: 60 });
    // Without the 12 KiB one the rest fit in 8 KiB: it alone stays a reference.
    expect(out.medium).toBe(medium);
    expect(out.small).toBe(small);
    const ref = out.big as ValueRef & { content_url: string };
    expect({ ...ref, content_url: undefined }).toEqual({ ...(params.big as ValueRef), content_url: undefined });
    expect(grantOf(ref.content_url)).toMatchObject({
      kind: 'value',
      resource: ref.$ref.slice('blob:sha256:'.length),
      job_id: 'job_2',
    });
    // The URL serves what the reference names.
    const bytes = await store.blobs.get(grantOf(ref.content_url).resource);
    expect(JSON.parse(new TextDecoder().decode(bytes))).toBe(big);
  });

  it('gives every file, at any depth, a content_url for that file and job', async () => {
    const input = createExternalToolInput({ blobs: store.blobs, signer });
    const a = await saveFile('a.csv', 'a');
    const b = await saveFile('b.csv', 'b');
    const c = await saveFile('c.txt', 'c');
    // A file inside a stored value gets one too, once resolved.
    const params: ToolParams = {
      file: a,
      files: [a, b],
      deep: { inside: { doc: await stored({ doc: c }) } },
      // Not a file reference: a member a FileValue does not have.
      lookalike: { file_id: 'file_x', name: 'x', colour: 'red' },
      text: 'file_id',
    };
    const out = await input.prepare(params, { jobId: 'job_3', parameters: NO_PARAMETERS, validForSeconds: 60 });
    const urlOf = (v: SchemaValue | undefined) => (v as { content_url: string }).content_url;
    expect(out.file).toEqual({ ...a, content_url: expect.any(String) });
    expect(grantOf(urlOf(out.file))).toMatchObject({ kind: 'file', resource: a.file_id, job_id: 'job_3' });
    const [first, second] = out.files as SchemaValue[];
    expect(grantOf(urlOf(first)).resource).toBe(a.file_id);
    expect(grantOf(urlOf(second)).resource).toBe(b.file_id);
    const doc = (out.deep as { inside: { doc: { doc: SchemaValue } } }).inside.doc.doc;
    expect(doc).toEqual({ ...c, content_url: expect.any(String) });
    expect(grantOf(urlOf(doc)).resource).toBe(c.file_id);
    expect(out.lookalike).toEqual(params.lookalike);
    expect(out.text).toBe('file_id');
  });

  it('fills every x-ordo-upload-url parameter with an upload URL for the job, living as long as the step may run', async () => {
    const input = createExternalToolInput({ blobs: store.blobs, signer });
    const parameters = {
      type: 'object',
      properties: {
        text: { type: 'string' },
        report_upload: { type: 'string', 'x-ordo-upload-url': true },
        // Only a string can hold a URL: this one is the step's to map.
        not_a_url: { type: 'object', 'x-ordo-upload-url': true },
      },
      required: ['text', 'report_upload'],
    };
    const now = Math.floor(Date.now() / 1000);
    const out = await input.prepare({ text: 'hi' }, { jobId: 'job_4', parameters, validForSeconds: 3600 });
    expect(Object.keys(out).sort()).toEqual(['report_upload', 'text']);
    const grant = grantOf(out.report_upload, 'POST');
    expect(grant).toMatchObject({ kind: 'upload', resource: '', job_id: 'job_4' });
    expect(grant.expires).toBeGreaterThanOrEqual(now + 3600);
    expect(grant.expires).toBeLessThan(now + 3600 + 120);
    // A short step still gets the minimum lifetime.
    const short = await input.prepare({}, { jobId: 'job_4', parameters, validForSeconds: 5 });
    expect(grantOf(short.report_upload, 'POST').expires).toBeGreaterThanOrEqual(now + 600);
  });

  it('needs a signer only when a URL is needed, and names the missing value', async () => {
    const unsigned = createExternalToolInput({ blobs: store.blobs, signer: undefined });
    const plain = { n: 1, value: await stored([1, 2, 3]) };
    expect(await unsigned.prepare(plain, { jobId: 'job_5', parameters: NO_PARAMETERS, validForSeconds: 60 })).toEqual({
      n: 1,
      value: [1, 2, 3],
    });
    const file = await saveFile('d.txt', 'd');
    const refused = unsigned.prepare({ file }, { jobId: 'job_5', parameters: NO_PARAMETERS, validForSeconds: 60 });
    await expect(refused).rejects.toBeInstanceOf(ExternalToolInputError);
    await expect(refused).rejects.toMatchObject({ code: 'URL_SIGNING_NOT_CONFIGURED' });
    const missing: ValueRef = { $ref: `blob:sha256:${'0'.repeat(64)}`, size: 10, type: 'string' };
    await expect(
      unsigned.prepare({ missing }, { jobId: 'job_5', parameters: NO_PARAMETERS, validForSeconds: 60 }),
    ).rejects.toBeInstanceOf(MissingValueError);
  });
});
