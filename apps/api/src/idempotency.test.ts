import { describe, expect, it } from 'vitest';
import { documentIdempotency, IDEMPOTENT_OPERATIONS } from './idempotency';

describe('documentIdempotency', () => {
  it('adds the Idempotency-Key header, the replay header and the 409/422 problems to the idempotent operations only', () => {
    const doc = {
      paths: {
        '/v1/jobs': {
          post: { responses: { '201': { description: 'created' } } },
          get: { responses: { '200': { description: 'list' } } },
        },
        '/v1/jobs/{job_id}/start': {
          post: {
            parameters: [{ name: 'job_id', in: 'path' }],
            responses: { '202': { description: 'started' }, '409': { description: 'own' } },
          },
        },
      },
    };
    const out = documentIdempotency(structuredClone(doc), { $ref: '#/components/schemas/Problem' });
    const create = out.paths['/v1/jobs'].post as unknown as {
      parameters: { name: string; in: string; required: boolean }[];
      responses: Record<string, { headers?: Record<string, unknown> }>;
    };
    expect(create.parameters).toEqual([
      expect.objectContaining({ name: 'Idempotency-Key', in: 'header', required: false }),
    ]);
    expect(Object.keys(create.responses['201']?.headers ?? {})).toEqual(['Idempotent-Replayed']);
    expect(Object.keys(create.responses).sort()).toEqual(['201', '409', '422']);
    expect(out.paths['/v1/jobs'].get).toEqual(doc.paths['/v1/jobs'].get);
    const start = out.paths['/v1/jobs/{job_id}/start'].post as unknown as {
      parameters: { name: string }[];
      responses: Record<string, { description: string }>;
    };
    expect(start.parameters.map((p) => p.name)).toEqual(['job_id', 'Idempotency-Key']);
    expect(start.responses['409']?.description).toBe('own');
    // A route declaring the header itself (any case) keeps its own declaration.
    const own = documentIdempotency(
      {
        paths: {
          '/v1/jobs/{job_id}/pause': {
            post: { parameters: [{ name: 'idempotency-key', in: 'header' }], responses: {} },
          },
        },
      },
      {},
    );
    expect((own.paths['/v1/jobs/{job_id}/pause'].post as unknown as { parameters: unknown[] }).parameters).toEqual([
      { name: 'idempotency-key', in: 'header' },
    ]);
    // Applied twice, nothing is added twice.
    expect(documentIdempotency(structuredClone(out), {})).toEqual(out);
  });

  it('covers creation, start and every control route', () => {
    expect(IDEMPOTENT_OPERATIONS.map((o) => o.path)).toEqual([
      '/v1/jobs',
      '/v1/jobs/{job_id}/start',
      '/v1/jobs/{job_id}/pause',
      '/v1/jobs/{job_id}/resume',
      '/v1/jobs/{job_id}/cancel',
      '/v1/jobs/{job_id}/reset',
      '/v1/jobs/{job_id}/retry',
    ]);
  });
});
