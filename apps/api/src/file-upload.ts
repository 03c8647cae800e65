import type { RouteConfig } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { FileValue } from '@ordo/core';
import { toFileValue } from '@ordo/storage';
import type { AppDeps } from './deps';
import { checkFileName } from './file-name';
import { component } from './openapi';
import { detectMimeType } from './mime-type';
import { ApiProblem, validationProblem } from './problem';

/**
 * Storing an uploaded file: what `POST /v1/files` and a signed upload URL (`POST /v1/uploads`)
 * both do, with the same body, rules and answer.
 */

/** The multipart request body of an upload, for a route's `request.body`. */
export const MULTIPART_FILE_BODY: NonNullable<NonNullable<RouteConfig['request']>['body']> = {
  required: true,
  // A plain schema, not zod: the handler reads the multipart body itself, streaming it under the size cap.
  content: {
    'multipart/form-data': {
      schema: {
        type: 'object',
        required: ['file'],
        properties: { file: { type: 'string', format: 'binary', description: 'The file' } },
      },
    },
  },
};

/**
 * What an upload answers: the FileValue jobs reference, with the members an upload always
 * sets (`mime_type`, `size`) required, and without `content_url` (only a tool's parameters carry one).
 */
export const UploadedFile = component(
  FileValue.omit({ content_url: true }).required({ mime_type: true, size: true }),
  'UploadedFile',
);

/** The upload rules, for a route's description. */
export const UPLOAD_RULES =
  'A `multipart/form-data` body with the file in the field `file`. Its type is detected from the content (a text file sent as application/pdf is text/plain). The same bytes uploaded twice are stored once. The size limit is `ORDO_MAX_UPLOAD_BYTES`. The file name is stored in Unicode NFC, at most 255 bytes of UTF-8, without control characters or bidirectional overrides (422 naming `file` otherwise).';

/** Counts the bytes as they stream in: a body over `ORDO_MAX_UPLOAD_BYTES` is a 413, never read whole. */
export function uploadBodyLimit(deps: Pick<AppDeps, 'maxUploadBytes'>): MiddlewareHandler {
  return bodyLimit({
    maxSize: deps.maxUploadBytes,
    onError: () => {
      throw new ApiProblem(
        413,
        'PAYLOAD_TOO_LARGE',
        'Upload too large',
        `files may be at most ${deps.maxUploadBytes} bytes`,
        [{ field: 'file', message: `must be at most ${deps.maxUploadBytes} bytes` }],
      );
    },
  });
}

/** Reads the multipart body's `file`, checks it, stores it, and answers 201 with its FileValue. */
export async function storeUpload(c: Context, deps: Pick<AppDeps, 'store' | 'now'>) {
  const contentType = c.req.header('content-type') ?? '';
  if (!/^multipart\/form-data\s*(;|$)/i.test(contentType)) {
    throw new ApiProblem(
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      'Unsupported media type',
      'send the file as multipart/form-data in a field named "file"',
      [{ field: 'content-type', message: 'must be multipart/form-data' }],
    );
  }
  let body: Record<string, unknown>;
  try {
    body = await c.req.parseBody();
  } catch (err) {
    if (err instanceof ApiProblem) throw err;
    throw new ApiProblem(
      400,
      'MALFORMED_REQUEST',
      'Malformed multipart body',
      'the multipart/form-data body could not be parsed',
      [{ field: '(body)', message: 'must be multipart/form-data with its boundary' }],
    );
  }
  const file = body.file;
  if (!(file instanceof File)) {
    throw validationProblem([
      { field: 'file', message: 'is required: a multipart field named "file" holding the file' },
    ]);
  }
  if (file.size === 0) throw validationProblem([{ field: 'file', message: 'must not be empty' }]);
  const name = checkFileName(file.name);
  if (!name.ok) throw validationProblem([{ field: 'file', message: name.message }]);
  const bytes = new Uint8Array(await file.arrayBuffer());
  const stored = await deps.store.files.save(
    { name: name.name, mime_type: detectMimeType(bytes, file.type), bytes },
    (deps.now?.() ?? new Date()).toISOString(),
  );
  return c.json(toFileValue(stored), 201, { Location: `/v1/files/${stored.file_id}` });
}
