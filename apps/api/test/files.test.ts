import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePdf } from '@ordo/testing';
import { parse as parseDisposition } from 'content-disposition';
import { contentDisposition } from '../src/file-name';
import {
  createJob,
  json,
  problem,
  startApiStack,
  startJob,
  toolStepDefinition,
  upload,
  waitForEnd,
  waitForJob,
  type ApiStack,
} from './harness';

/** `/v1/files`: upload, metadata, content, deletion, through `app.request()` with a real store and worker. */
describe('files', () => {
  let stack: ApiStack;
  const req = (path: string, init?: RequestInit) => stack.app.request(path, init);

  beforeAll(async () => {
    stack = await startApiStack('files');
  });
  afterAll(async () => stack.stop());

  async function uploadBytes(
    bytes: Uint8Array,
    name: string,
    type?: string,
  ): Promise<{ file_id: string; name: string; mime_type: string; size: number }> {
    const res = await req('/v1/files', upload(bytes, name, type));
    expect(res.status, await res.clone().text()).toBe(201);
    return (await res.json()) as { file_id: string; name: string; mime_type: string; size: number };
  }

  /** A job whose file input is `fileId`, its one step sleeping `ms`. */
  function jobUsing(fileId: string, ms: number) {
    return createJob(
      stack,
      {
        input_variables: [{ name: 'document', variable_id: 'doc', required: true, schema: { type: 'file' } }],
        steps: [toolStepDefinition('wait', 'sleep', { ms })],
      },
      { doc: { file_id: fileId } },
    );
  }

  it('answers metadata with exactly file_id, name, mime_type, size, sha256, created_at', async () => {
    const bytes = await makePdf([['Metadata check']]);
    const file = await uploadBytes(bytes, 'report.pdf');
    const res = await req(`/v1/files/${file.file_id}`);
    expect(res.status).toBe(200);
    const meta = (await res.json()) as Record<string, unknown>;
    expect(Object.keys(meta).sort()).toEqual(['created_at', 'file_id', 'mime_type', 'name', 'sha256', 'size']);
    const digest = Buffer.from(await crypto.subtle.digest('SHA-256', bytes)).toString('hex');
    expect(meta).toEqual({
      file_id: file.file_id,
      name: 'report.pdf',
      mime_type: 'application/pdf',
      size: bytes.byteLength,
      sha256: digest,
      created_at: expect.any(String),
    });
    await problem(await req('/v1/files/file_nope'), 404);
  });

  it('streams the content with its stored type, length, nosniff and a safe attachment disposition', async () => {
    const text = 'name,value\nrevenue,10\n';
    const name = 'evil"; filename=x.html;.csv';
    const file = await uploadBytes(new TextEncoder().encode(text), name, 'text/html');
    const res = await req(`/v1/files/${file.file_id}/content`);
    expect(res.status).toBe(200);
    // The stored type (text, so the declared text subtype is kept), served so that nothing renders or runs it.
    expect(res.headers.get('content-type')).toBe(file.mime_type);
    expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
    expect(res.headers.get('content-length')).toBe(String(text.length));
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    // One parameter holding the whole name, quotes escaped: no second filename smuggled in.
    expect(parseDisposition(res.headers.get('content-disposition') ?? '')).toEqual({
      type: 'attachment',
      parameters: { filename: name },
    });
    expect(await res.text()).toBe(text);
    await problem(await req('/v1/files/file_nope/content'), 404);
    const pdf = await makePdf([['Bytes back']]);
    const stored = await uploadBytes(pdf, 'b.pdf');
    const back = await req(`/v1/files/${stored.file_id}/content`);
    expect(back.headers.get('content-type')).toBe('application/pdf');
    expect(new Uint8Array(await back.arrayBuffer())).toEqual(pdf);
  });

  it('writes an RFC 6266 disposition that gives back the exact name', () => {
    for (const name of [
      'q4 report.pdf',
      'résumé.pdf',
      '../"x"\\y;z.txt',
      '日本語の報告書.pdf',
      'emoji 😀.txt',
      'a%41.txt',
    ]) {
      const header = contentDisposition(name);
      expect(header, name).toMatch(/^attachment; filename=/);
      expect(header, name).toMatch(/^[\x20-\x7e]*$/);
      expect(parseDisposition(header).parameters.filename, name).toBe(name);
    }
    expect(contentDisposition('résumé.pdf')).toBe(
      `attachment; filename="r?sum?.pdf"; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf`,
    );
  });

  it('downloads a name stored before the name rules safely: controls replaced, cut to 255 bytes, extension kept', async () => {
    // Written past the API, as an upload before the rules could have stored it (finding 9).
    const stored = await stack.store.files.save(
      {
        name: `evil\u0000\r\n\u202e${'n'.repeat(100_000)}.pdf`,
        mime_type: 'text/plain',
        bytes: new TextEncoder().encode('legacy 46'),
      },
      new Date().toISOString(),
    );
    const res = await req(`/v1/files/${stored.file_id}/content`);
    expect(res.status).toBe(200);
    const header = res.headers.get('content-disposition') ?? '';
    expect(header.length).toBeLessThan(1200);
    expect(header).toMatch(/^[\x20-\x7e]*$/);
    const name = parseDisposition(header).parameters.filename ?? '';
    expect(name.startsWith('evil____nnn')).toBe(true);
    expect(name.endsWith('.pdf')).toBe(true);
    expect(Buffer.byteLength(name)).toBeLessThanOrEqual(255);
    expect(await res.text()).toBe('legacy 46');
  });

  it('stores a name in NFC, and refuses control characters, bidi overrides and names over 255 bytes with 422 naming file', async () => {
    const decomposed = 're\u0301sume\u0301.pdf';
    expect((await uploadBytes(new TextEncoder().encode('nfc 47'), decomposed)).name).toBe('résumé.pdf');
    expect((await uploadBytes(new TextEncoder().encode('max 48'), `${'é'.repeat(125)}.txt`)).name).toHaveLength(129);
    for (const bad of [
      'a\u0000b.txt',
      'tab\there.txt',
      'invoice\u202etxt.exe',
      `${'é'.repeat(126)}.txt`,
      'n'.repeat(100_000),
    ]) {
      const p = await problem(await req('/v1/files', upload(new TextEncoder().encode('refused 49'), bad)), 422);
      expect(p.errors?.[0]?.field, bad.slice(0, 20)).toBe('file');
    }
  });

  it('deletes a file no job uses (204), after which it is gone, content too', async () => {
    const file = await uploadBytes(new TextEncoder().encode('delete me, unique content 41'), 'd.txt');
    const sha = (await stack.store.files.get(file.file_id))!.sha256;
    const res = await req(`/v1/files/${file.file_id}`, { method: 'DELETE' });
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');
    await problem(await req(`/v1/files/${file.file_id}`), 404);
    await problem(await req(`/v1/files/${file.file_id}/content`), 404);
    await problem(await req(`/v1/files/${file.file_id}`, { method: 'DELETE' }), 404);
    expect(await stack.store.blobs.has(sha)).toBe(false);
  });

  it('keeps the content while another upload shares it', async () => {
    const bytes = new TextEncoder().encode('shared content 42');
    const a = await uploadBytes(bytes, 'a.txt');
    const b = await uploadBytes(bytes, 'b.txt');
    expect((await req(`/v1/files/${a.file_id}`, { method: 'DELETE' })).status).toBe(204);
    expect(await (await req(`/v1/files/${b.file_id}/content`)).text()).toBe('shared content 42');
  });

  it('refuses to delete a file while a PENDING or RUNNING job uses it (409 naming them), and deletes it once they ended', async () => {
    const file = await uploadBytes(new TextEncoder().encode('input of a job 43'), 'in.txt');
    const job = await jobUsing(file.file_id, 1500);
    const pending = await problem(await req(`/v1/files/${file.file_id}`, { method: 'DELETE' }), 409);
    expect(pending).toMatchObject({ code: 'FILE_IN_USE', job_ids: [job.job_id] });
    await startJob(stack, job.job_id);
    await waitForJob(stack, job.job_id, (j) => j.status === 'RUNNING');
    expect((await problem(await req(`/v1/files/${file.file_id}`, { method: 'DELETE' }), 409)).code).toBe('FILE_IN_USE');
    expect((await req(`/v1/files/${file.file_id}`)).status).toBe(200);
    expect((await waitForEnd(stack, job.job_id)).status).toBe('COMPLETED');
    expect((await req(`/v1/files/${file.file_id}`, { method: 'DELETE' })).status).toBe(204);
  });

  it('lets a pending job release the file by changing its input', async () => {
    const [first, second] = [
      await uploadBytes(new TextEncoder().encode('first 44'), '1.txt'),
      await uploadBytes(new TextEncoder().encode('second 44'), '2.txt'),
    ];
    const job = await jobUsing(first.file_id, 10);
    await problem(await req(`/v1/files/${first.file_id}`, { method: 'DELETE' }), 409);
    expect(
      (await req(`/v1/jobs/${job.job_id}/inputs/doc`, json('PUT', { value: { file_id: second.file_id } }))).status,
    ).toBe(200);
    expect((await req(`/v1/files/${first.file_id}`, { method: 'DELETE' })).status).toBe(204);
    await problem(await req(`/v1/files/${second.file_id}`, { method: 'DELETE' }), 409);
  });

  it('still saves other inputs, and validation results, once a file an input names has vanished', async () => {
    const file = await uploadBytes(new TextEncoder().encode('vanishing 45'), 'v.txt');
    const job = await createJob(
      stack,
      {
        input_variables: [
          { name: 'document', variable_id: 'doc', required: true, schema: { type: 'file' } },
          { name: 'note', variable_id: 'note', required: false, schema: { type: 'string' } },
        ],
        steps: [toolStepDefinition('wait', 'sleep', { ms: 10 })],
      },
      { doc: { file_id: file.file_id } },
    );
    // Gone behind the API's back (an operator's clean-up): the job's inputs still name it.
    await stack.store.files.delete(file.file_id);
    const validated = await req(`/v1/jobs/${job.job_id}/inputs/validate`, { method: 'POST' });
    expect(validated.status).toBe(200);
    expect(await validated.json()).toMatchObject({
      valid: false,
      input_errors: { doc: `document must name an uploaded file; file '${file.file_id}' does not exist` },
    });
    const note = await req(`/v1/jobs/${job.job_id}/inputs/note`, json('PUT', { value: 'still settable' }));
    expect(note.status, await note.clone().text()).toBe(200);
    expect(((await note.json()) as { input_errors: Record<string, string> }).input_errors).toHaveProperty('doc');
  });

  it('documents the routes, the multipart upload and the binary content', async () => {
    const doc = (await (await req('/openapi.json')).json()) as {
      paths: Record<
        string,
        Record<
          string,
          {
            requestBody?: { content: Record<string, unknown> };
            responses: Record<string, { content?: Record<string, unknown> }>;
          }
        >
      >;
      components: { schemas: Record<string, unknown> };
    };
    expect(Object.keys(doc.paths['/v1/files/{file_id}'] ?? {}).sort()).toEqual(['delete', 'get']);
    expect(Object.keys(doc.paths['/v1/files']?.post?.requestBody?.content ?? {})).toEqual(['multipart/form-data']);
    expect(Object.keys(doc.paths['/v1/files']?.post?.responses ?? {})).toEqual(
      expect.arrayContaining(['201', '400', '401', '413', '422']),
    );
    // Any type; `application/octet-stream` named first for generators that take only concrete types.
    expect(Object.keys(doc.paths['/v1/files/{file_id}/content']?.get?.responses['200']?.content ?? {})).toEqual([
      'application/octet-stream',
      '*/*',
    ]);
    expect(Object.keys(doc.paths['/v1/files/{file_id}']?.delete?.responses ?? {})).toEqual(
      expect.arrayContaining(['204', '404', '409']),
    );
    expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(['FileMetadata', 'UploadedFile']));
  });
});
