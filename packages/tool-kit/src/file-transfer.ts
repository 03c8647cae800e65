import { ToolError } from './tool-error.js';

/**
 * A file as Ordo passes it in parameters and outputs. An external tool's FileValues carry
 * `content_url`: a short-lived URL signed by Ordo's API, for that file only, readable with a
 * plain GET and no key.
 */
export interface FileValue {
  file_id: string;
  name: string;
  mime_type?: string;
  size?: number;
  content_url?: string;
}

/** What an upload URL answers: the stored file, as a tool returns it among its outputs. */
export interface UploadedFile {
  file_id: string;
  name: string;
  mime_type?: string;
  size?: number;
}

/**
 * Downloads a FileValue's bytes from its `content_url`. A 5xx, 408 or 429 or a network error
 * is `HTTP_TRANSIENT` (retryable); another failed answer (an expired or refused URL) and a
 * FileValue without `content_url` are `FILE_UNREADABLE` (not retryable: the same URL will not
 * work better later).
 */
export async function downloadFile(
  file: FileValue,
  signal: AbortSignal,
  options: ReadFileOptions = {},
): Promise<Uint8Array> {
  if (typeof file.content_url !== 'string' || file.content_url === '')
    throw new ToolError(
      'INVALID_PARAMETERS',
      `${file.name ?? file.file_id}: content_url: is required (Ordo adds it to an external tool's files)`,
    );
  const res = await request(file.content_url, { signal }, `reading ${file.name}`);
  const length = Number(res.headers.get('content-length'));
  const total = Number.isFinite(length) && length > 0 ? length : file.size;
  if (options.onProgress === undefined || res.body === null) return new Uint8Array(await res.arrayBuffer());
  const chunks: Uint8Array[] = [];
  let received = 0;
  // A fetch body is bytes; the DOM-less typings leave its chunks untyped.
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    chunks.push(read.value);
    received += read.value.byteLength;
    options.onProgress(received, total);
  }
  return Buffer.concat(chunks);
}

/** How `readFile` reads. */
export interface ReadFileOptions {
  /** Called as bytes arrive, with the total when the answer or the FileValue states it: report download progress from here. */
  onProgress?: (received: number, total: number | undefined) => void;
}

/**
 * Uploads bytes to an upload URL (a parameter the tool's schema marks
 * `"x-ordo-upload-url": true`, which Ordo fills for each attempt): a `multipart/form-data`
 * POST with the file in the field `file`, as `POST /v1/files` takes it. Answers the 201's
 * FileValue.
 */
export async function uploadFile(
  uploadUrl: string,
  bytes: Uint8Array,
  name: string,
  options: { mimeType?: string; signal: AbortSignal },
): Promise<UploadedFile> {
  const form = new FormData();
  const blob = new Blob([bytes], { type: options.mimeType ?? 'application/octet-stream' });
  form.set('file', blob, name);
  const res = await request(uploadUrl, { method: 'POST', body: form, signal: options.signal }, `uploading ${name}`);
  return (await res.json()) as UploadedFile;
}

/** One HTTP exchange, its failures as coded ToolErrors; a cancellation passes through as it is. */
async function request(url: string, init: RequestInit, what: string): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(url, init);
  } catch (err) {
    if (init.signal?.aborted) throw err;
    throw new ToolError('HTTP_TRANSIENT', `${what}: ${err instanceof Error ? err.message : String(err)}`, {
      retryable: true,
      cause: err,
    });
  }
  if (res.ok) return res;
  const detail = await res.text().then(
    (text) => text.slice(0, 300),
    () => '',
  );
  const transient = res.status >= 500 || res.status === 408 || res.status === 429;
  throw new ToolError(
    transient ? 'HTTP_TRANSIENT' : 'FILE_UNREADABLE',
    `${what}: HTTP ${res.status}${detail === '' ? '' : ` ${detail}`}`,
    { retryable: transient },
  );
}
