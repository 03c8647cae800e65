import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { toFileValue } from '@ordo/storage';
import type { AppDeps } from '../deps';
import { detectMimeType } from '../mime-type';
import { ApiProblem, notFound, validationProblem } from '../problem';


/** `/v1/files`: uploads, referenced by jobs as FileValues. */
export function fileRoutes(deps: AppDeps) {
  return new Hono()
    .post(
      '/',
      bodyLimit({
        maxSize: deps.maxUploadBytes,
        onError: () => {
          throw new ApiProblem(413, 'PAYLOAD_TOO_LARGE', 'Upload too large', `files may be at most ${deps.maxUploadBytes} bytes`, [
            { field: 'file', message: `must be at most ${deps.maxUploadBytes} bytes` },
          ]);
        },
      }),
      async (c) => {
        const contentType = c.req.header('content-type') ?? '';
        if (!contentType.startsWith('multipart/form-data')) {
          throw validationProblem([{ field: 'file', message: 'send the file as multipart/form-data in a field named "file"' }]);
        }
        let body: Record<string, unknown>;
        try {
          body = await c.req.parseBody();
        } catch {
          throw new ApiProblem(400, 'MALFORMED_REQUEST', 'Malformed multipart body', 'the multipart/form-data body could not be parsed');
        }
        const file = body.file;
        if (!(file instanceof File)) {
          throw validationProblem([{ field: 'file', message: 'is required: a multipart field named "file" holding the file' }]);
        }
        if (file.size === 0) throw validationProblem([{ field: 'file', message: 'must not be empty' }]);
        const bytes = new Uint8Array(await file.arrayBuffer());
        const stored = await deps.store.files.save(
          { name: file.name || 'upload', mime_type: detectMimeType(bytes, file.type), bytes },
          (deps.now?.() ?? new Date()).toISOString(),
        );
        return c.json(toFileValue(stored), 201, { Location: `/v1/files/${stored.file_id}` });
      },
    )
    .get('/:file_id', async (c) => {
      const id = c.req.param('file_id');
      const file = await deps.store.files.get(id);
      if (!file) throw notFound('File', id);
      return c.json(toFileValue(file));
    });
}
