import { z } from 'zod';
import { fileMetadata } from '@ordo/storage';
import type { AppDeps } from '../deps';
import { contentDisposition } from '../file-name';
import { MULTIPART_FILE_BODY, UploadedFile, storeUpload, UPLOAD_RULES, uploadBodyLimit } from '../file-upload';
import { component, createRouter, jsonResponse, links, route, withMiddleware } from '../openapi';
import { ApiProblem, notFound } from '../problem';
import { KEY_OR_SIGNED_URL, OptionalSignedUrlQuery } from '../signed-url-access';

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
  operationId: 'uploadFile',
  method: 'post',
  path: '/',
  tags: ['files'],
  summary: 'Upload a file',
  description: UPLOAD_RULES,
  request: { body: MULTIPART_FILE_BODY },
  responses: {
    201: {
      ...jsonResponse(UploadedFile, 'The stored file, as jobs reference it'),
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
  operationId: 'getFile',
  method: 'get',
  path: '/{file_id}',
  tags: ['files'],
  summary: "A file's metadata",
  description: 'Its name, media type, size and SHA-256, as the upload recorded them.',
  request: { params: FileParams },
  responses: { 200: jsonResponse(FileMetadata, 'The metadata') },
  problems: [404],
});

const getFileContent = route({
  operationId: 'getFileContent',
  method: 'get',
  path: '/{file_id}/content',
  tags: ['files'],
  summary: "A file's bytes",
  description:
    'Streams the bytes with the stored type as `Content-Type`, `Content-Length`, `X-Content-Type-Options: nosniff` and `Content-Disposition: attachment` with the file name, so a browser saves the file instead of rendering it from the API\u2019s origin. Opened by an API key, or without one by a signed URL (a FileValue\u2019s `content_url` in an external tool\u2019s parameters): `job_id`, `expires` and `signature` in the query, valid for this file only, until `expires`, while the job has not ended (403 `SIGNED_URL_REFUSED` naming the query parameter otherwise).',
  request: { params: FileParams, query: OptionalSignedUrlQuery },
  security: KEY_OR_SIGNED_URL,
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
      // Served with the type stored for the file (detected from its content at upload): any type.
      // `application/octet-stream` first, for generators that take only concrete types (openapi-python-client: bytes).
      content: {
        'application/octet-stream': { schema: { type: 'string', format: 'binary' } },
        '*/*': { schema: { type: 'string', format: 'binary' } },
      },
    },
  },
  problems: [403, 404],
});

const deleteFile = route({
  operationId: 'deleteFile',
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
  return (
    createRouter()
      // Its scope checked first, then the size cap (the route's own middleware was once replaced here, scope check included).
      .openapi(withMiddleware(uploadFile, uploadBodyLimit(deps)), (c) => storeUpload(c, deps))
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
      })
  );
}
