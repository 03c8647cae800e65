import { z } from 'zod';
import type { AppDeps } from '../deps';
import { createRouter, route } from '../openapi';
import { notFound } from '../problem';
import { SIGNED_URL_ONLY, SignedUrlQuery } from '../signed-url-access';

const ValueParams = z.object({
  sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits')
    .describe('The SHA-256 a value reference names (`$ref`: `blob:sha256:<sha256>`)'),
});

const getValue = route({
  operationId: 'getValue',
  method: 'get',
  path: '/{sha256}',
  tags: ['files'],
  summary: 'A stored large value',
  description:
    'The JSON text of a job value too large to travel inline (a `ValueRef`: `{ $ref: "blob:sha256:…", size, type }`), as an external tool reads it from the reference\u2019s `content_url` (docs/tools.md, "Files and large values"). Opened only by a signed URL: `job_id`, `expires` and `signature` in the query, for this value only, until `expires`, while the job has not ended (403 `SIGNED_URL_REFUSED` naming the query parameter otherwise).',
  request: { params: ValueParams, query: SignedUrlQuery },
  security: SIGNED_URL_ONLY,
  responses: {
    // A plain reference: the handler serves the stored JSON text as it is, without parsing it.
    200: {
      description: 'The value',
      content: { 'application/json': { schema: { $ref: '#/components/schemas/SchemaValue' } } },
    },
  },
  problems: [403, 404],
});

/** `/v1/values`: stored large values, read by external tools through signed URLs. */
export function valueRoutes(deps: AppDeps) {
  return createRouter().openapi(getValue, async (c) => {
    const { sha256 } = c.req.valid('param');
    const bytes = await deps.store.blobs.get(sha256);
    if (bytes === undefined) throw notFound('Value', sha256);
    // The stored JSON text as it is (the value was stored by its JSON text's hash), not parsed
    // and written again: typed as the route's JSON answer, which it is.
    return new Response(bytes, {
      status: 200,
      headers: {
        'Content-Type': 'application/json',
        'X-Content-Type-Options': 'nosniff',
        'Cache-Control': 'private, no-cache',
      },
    }) as never;
  });
}
