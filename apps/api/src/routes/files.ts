import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import { FileValue } from '@ordo/core';
import { fileMetadata, toFileValue } from '@ordo/storage';
import type { AppDeps } from '../deps';
import { checkFileName, contentDisposition } from '../file-name';
import { detectMimeType } from '../mime-type';
import { component, createRouter, jsonResponse, links, route } from '../openapi';
import { ApiProblem, notFound, validationProblem } from '../problem';

const FileValueRef = component(FileValue, 'FileValue');

/** A stored file's metadata: exactly these members. */
export const FileMetadata = component(
  z.strictObject({
    file_id: z.string(),
    name: z.string(),
    mime_type: z.string().describe('Detected from the content when uploaded, never from the name or the declared type'),
    size: z.number().int().nonnegative().describe('Bytes'),
    sha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/)
      .describe('SHA-256 of the content, lowercase hex'),
    created_at: z.string(),
  }),
  'FileMetadata',
);
export type FileMetadata = z.infer<typeof FileMetadata>;

const FileParams = z.object({ file_id: z.string().min(1).max(128).describe('The file, as `POST /v1/files` named it') });

const uploadFile = route({
  method: 'post',
  path: '/',
  tags: ['files'],
  summary: 'Upload a file',
  description:
    'A `multipart/form-data` body with the file in the field `file`. Its type is detected from the content (a text file sent as application/pdf is text/plain). The same bytes uploaded twice are stored once. The size limit is `ORDO_MAX_UPLOAD_BYTES`. The file name is stored in Unicode NFC, at most 255 bytes of UTF-8, without control characters or bidirectional overrides (422 naming `file` otherwise).',
  request: {
    body: {
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
    },
  },
  responses: {
    201: {
      ...jsonResponse(FileValueRef, 'The stored file, as jobs reference it'),
      headers: { Location: { description: 'The file\u2019s metadata', schema: { type: 'string' } } },
      links: links(
        { file_id: '$response.body#/file_id' },
        {
          GetFile: ['get', '/v1/files/{file_id}', 'Its metadata'],
          GetFileContent: ['get', '/v1/files/{file_id}/content', 'Its bytes'],
          DeleteFile: ['delete', '/v1/files/{file_id}', 'Delete it'],
        },
      ),
    },
  },
  problems: [400, 413, 415, 422],
});

const getFile = route({
  method: 'get',
  path: '/{file_id}',
  tags: ['files'],
  summary: "A file's metadata",
  request: { params: FileParams },
  responses: { 200: jsonResponse(FileMetadata, 'The metadata') },
  problems: [404],
});

const getFileContent = route({
  method: 'get',
  path: '/{file_id}/content',
  tags: ['files'],
  summary: "A file's bytes",
  description:
    'Streams the bytes with the stored type as `Content-Type`, `Content-Length`, `X-Content-Type-Options: nosniff` and `Content-Disposition: attachment` with the file name, so a browser saves the file instead of rendering it from the API\u2019s origin.',
  request: { params: FileParams },
  responses: {
    200: {
      description: 'The content',
      headers: {
        'Content-Disposition': {
          description: '`attachment`, with the file name (RFC 6266, RFC 5987 for non-ASCII)',
          schema: { type: 'string' },
        },
        'X-Content-Type-Options': { description: 'Always `nosniff`', schema: { type: 'string' } },
      },
      // Served with the type stored for the file (detected from its content at upload).
      content: { '*/*': { schema: { type: 'string', format: 'binary' } } },
    },
  },
  problems: [404],
});

const deleteFile = route({
  method: 'delete',
  path: '/{file_id}',
  tags: ['files'],
  summary: 'Delete a file',
  description:
    'Refused with 409 (`FILE_IN_USE`, `job_ids` naming up to 20 of them) while a PENDING or RUNNING job\u2019s inputs name the file. The content is removed once no other file has the same bytes. A job that has ended keeps its record; its inputs then name a file that is gone (a reset job finds it at `…/inputs/validate` or start).',
  request: { params: FileParams },
  responses: { 204: { description: 'Deleted' } },
  problems: [404, 409],
});

/** `/v1/files`: uploads, referenced by jobs as FileValues; their metadata, content and deletion. */
export function fileRoutes(deps: AppDeps) {
  const tooLarge = () =>
    new ApiProblem(413, 'PAYLOAD_TOO_LARGE', 'Upload too large', `files may be at most ${deps.maxUploadBytes} bytes`, [
      { field: 'file', message: `must be at most ${deps.maxUploadBytes} bytes` },
    ]);
  return createRouter()
    .openapi(
      {
        ...uploadFile,
        // Counts the bytes as they stream in: a body over the cap is never read whole.
        middleware: [
          bodyLimit({
            maxSize: deps.maxUploadBytes,
            onError: () => {
              throw tooLarge();
            },
          }),
        ],
      },
      async (c) => {
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
      },
    )
    .openapi(getFile, async (c) => {
      const { file_id } = c.req.valid('param');
      const file = await deps.store.files.get(file_id);
      if (!file) throw notFound('File', file_id);
      return c.json(fileMetadata(file), 200);
    })
    .openapi(getFileContent, async (c) => {
      const { file_id } = c.req.valid('param');
      const file = await deps.store.files.open(file_id);
      if (!file) throw notFound('File', file_id);
      return new Response(file.content.stream, {
        status: 200,
        headers: {
          'Content-Type': file.mime_type,
          'Content-Length': String(file.content.size),
          'X-Content-Type-Options': 'nosniff',
          'Content-Disposition': contentDisposition(file.name),
          // Even if a browser were to render it, the content runs nothing and loads nothing.
          'Content-Security-Policy': "default-src 'none'; sandbox",
          'Cache-Control': 'private, no-cache',
        },
      });
    })
    .openapi(deleteFile, async (c) => {
      const { file_id } = c.req.valid('param');
      const result = await deps.store.files.deleteIfUnused(file_id);
      if (result.ok) return c.body(null, 204);
      switch (result.code) {
        case 'FILE_NOT_FOUND':
          throw notFound('File', file_id);
        case 'FILE_IN_USE':
          throw new ApiProblem(
            409,
            'FILE_IN_USE',
            'File in use',
            `file '${file_id}' is an input of ${result.job_ids.length === 1 ? 'a job' : 'jobs'} not yet ended (${result.job_ids.join(', ')}); delete it once they have ended or their inputs no longer name it`,
            [{ field: 'file_id', message: 'is used by a PENDING or RUNNING job' }],
            { job_ids: result.job_ids },
          );
      }
    });
}
