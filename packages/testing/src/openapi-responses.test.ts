import { describe, expect, it } from 'vitest';
import { ResponseChecker, ResponseMismatch, type OpenApiDocument } from './openapi-responses';

const problem = { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } };

/** A small document in the shape the API's generator writes: refs to components, problem responses. */
const DOCUMENT: OpenApiDocument = {
  openapi: '3.1.0',
  paths: {
    '/v1/jobs/{job_id}': {
      get: {
        responses: {
          200: {
            description: 'The job',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Job' } } },
          },
          404: { description: 'Not found', content: problem },
        },
      },
    },
    '/v1/jobs/{job_id}/inputs/validate': {
      post: {
        responses: {
          200: {
            description: 'ok',
            content: {
              'application/json': {
                schema: { type: 'object', properties: { valid: { type: 'boolean' } }, required: ['valid'] },
              },
            },
          },
        },
      },
    },
    '/v1/jobs/{job_id}/inputs/{variable_id}': {
      put: {
        responses: {
          200: { description: 'ok', content: { 'application/json': { schema: { $ref: '#/components/schemas/Job' } } } },
        },
      },
    },
    '/v1/jobs': {
      post: {
        responses: {
          201: {
            description: 'Created',
            headers: { Location: { required: true, schema: { type: 'string' } } },
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Job' } } },
          },
          default: { description: 'A problem', content: problem },
        },
      },
    },
    '/docs': {
      get: { responses: { 200: { description: 'page', content: { 'text/html': { schema: { type: 'string' } } } } } },
    },
  },
  components: {
    schemas: {
      Job: {
        type: 'object',
        properties: {
          job_id: { type: 'string' },
          status: { type: 'string', enum: ['PENDING', 'RUNNING'] },
          values: { type: 'object', additionalProperties: { $ref: '#/components/schemas/Value' } },
        },
        required: ['job_id', 'status'],
      },
      Value: {
        anyOf: [
          { type: 'string' },
          { type: 'number' },
          { type: 'array', items: { $ref: '#/components/schemas/Value' } },
        ],
      },
      Problem: {
        type: 'object',
        properties: { status: { type: 'integer' }, code: { type: 'string' } },
        required: ['status', 'code'],
      },
    },
    responses: {
      NotFound: { description: 'no route', content: problem },
      MethodNotAllowed: {
        description: 'no such method',
        headers: { Allow: { required: true, schema: { type: 'string' } } },
        content: problem,
      },
    },
  },
};

const JSON_TYPE = { 'content-type': 'application/json' };
const PROBLEM_TYPE = { 'content-type': 'application/problem+json' };

function exchange(
  method: string,
  path: string,
  status: number,
  body: unknown,
  headers: Record<string, string> = JSON_TYPE,
) {
  return {
    method,
    path,
    status,
    headers: new Headers(headers),
    body: typeof body === 'string' ? body : JSON.stringify(body),
  };
}

describe('ResponseChecker', () => {
  const checker = new ResponseChecker(DOCUMENT, { pending: ['/v1/files'] });

  it('accepts a body matching the declared schema, references and recursion resolved', () => {
    expect(() =>
      checker.check(
        exchange('GET', '/v1/jobs/job_1', 200, { job_id: 'job_1', status: 'RUNNING', values: { a: [1, ['x']] } }),
      ),
    ).not.toThrow();
    expect(() =>
      checker.check(
        exchange(
          'GET',
          'http://127.0.0.1:3000/v1/jobs/job_1?x=1',
          404,
          { status: 404, code: 'NOT_FOUND' },
          PROBLEM_TYPE,
        ),
      ),
    ).not.toThrow();
  });

  it('fails a wrong body, naming the route, the status and the schema error', () => {
    const wrong = () =>
      checker.check(exchange('GET', '/v1/jobs/job_1', 200, { job_id: 'job_1', status: 'DONE', values: { a: [true] } }));
    expect(wrong).toThrow(ResponseMismatch);
    expect(wrong).toThrow(
      /GET \/v1\/jobs\/\{job_id\} → 200: the body does not match the application\/json schema: \/status must be equal to one of the allowed values/,
    );
    expect(wrong).toThrow(/\/values\/a\/0/);
    expect(() => checker.check(exchange('GET', '/v1/jobs/job_1', 200, { status: 'PENDING' }))).toThrow(
      /must have required property 'job_id'/,
    );
    expect(() => checker.check(exchange('GET', '/v1/jobs/job_1', 200, 'not json'))).toThrow(/not JSON/);
  });

  it('fails an undeclared status or media type, and a missing required header', () => {
    expect(() =>
      checker.check(exchange('GET', '/v1/jobs/job_1', 409, { status: 409, code: 'X' }, PROBLEM_TYPE)),
    ).toThrow(/status 409 is not declared; the document declares 200, 404/);
    expect(() =>
      checker.check(
        exchange('GET', '/v1/jobs/job_1', 200, { job_id: 'j', status: 'PENDING' }, { 'content-type': 'text/plain' }),
      ),
    ).toThrow(/content-type text\/plain is not declared/);
    expect(() => checker.check(exchange('POST', '/v1/jobs', 201, { job_id: 'j', status: 'PENDING' }))).toThrow(
      /required header Location is missing/,
    );
    expect(() =>
      checker.check(
        exchange('POST', '/v1/jobs', 201, { job_id: 'j', status: 'PENDING' }, { ...JSON_TYPE, location: '/v1/jobs/j' }),
      ),
    ).not.toThrow();
  });

  it('uses `default` for statuses not listed, and checks non-JSON media types by type only', () => {
    expect(() =>
      checker.check(exchange('POST', '/v1/jobs', 415, { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' }, PROBLEM_TYPE)),
    ).not.toThrow();
    expect(() => checker.check(exchange('POST', '/v1/jobs', 415, { status: 415 }, PROBLEM_TYPE))).toThrow(
      /must have required property 'code'/,
    );
    expect(() =>
      checker.check(exchange('GET', '/docs', 200, '<html></html>', { 'content-type': 'text/html; charset=utf-8' })),
    ).not.toThrow();
  });

  it('picks the most literal template, and the method, when several match a path', () => {
    expect(() => checker.check(exchange('POST', '/v1/jobs/j/inputs/validate', 200, { valid: true }))).not.toThrow();
    // The path is the literal template's alone: no PUT of /inputs/{variable_id} there, as OpenAPI matches.
    expect(() =>
      checker.check(exchange('PUT', '/v1/jobs/j/inputs/validate', 200, { job_id: 'j', status: 'PENDING' })),
    ).toThrow(/no PUT on \/v1\/jobs\/\{job_id\}\/inputs\/validate, so the answer must be 405/);
    expect(() =>
      checker.check(
        exchange(
          'PUT',
          '/v1/jobs/j/inputs/validate',
          405,
          { status: 405, code: 'METHOD_NOT_ALLOWED' },
          { ...PROBLEM_TYPE, allow: 'POST' },
        ),
      ),
    ).not.toThrow();
    expect(() =>
      checker.check(exchange('PUT', '/v1/jobs/j/inputs/depth', 200, { job_id: 'j', status: 'PENDING' })),
    ).not.toThrow();
    expect(() =>
      checker.check(exchange('POST', '/v1/jobs/j/inputs/validate', 200, { job_id: 'j', status: 'PENDING' })),
    ).toThrow(/required property 'valid'/);
  });

  it('holds a path no route has to NotFound and a missing method to MethodNotAllowed', () => {
    expect(() =>
      checker.check(exchange('GET', '/nowhere', 404, { status: 404, code: 'NOT_FOUND' }, PROBLEM_TYPE)),
    ).not.toThrow();
    expect(() => checker.check(exchange('GET', '/nowhere', 200, {}))).toThrow(
      /GET \/nowhere → 200: no path of the document matches, so the answer must be 404/,
    );
    expect(() =>
      checker.check(
        exchange(
          'DELETE',
          '/v1/jobs/j',
          405,
          { status: 405, code: 'METHOD_NOT_ALLOWED' },
          { ...PROBLEM_TYPE, allow: 'GET' },
        ),
      ),
    ).not.toThrow();
    expect(() =>
      checker.check(exchange('DELETE', '/v1/jobs/j', 405, { status: 405, code: 'METHOD_NOT_ALLOWED' }, PROBLEM_TYPE)),
    ).toThrow(/required header Allow/);
    expect(() =>
      checker.check(exchange('DELETE', '/v1/jobs/j', 404, { status: 404, code: 'NOT_FOUND' }, PROBLEM_TYPE)),
    ).toThrow(/no DELETE on \/v1\/jobs\/\{job_id\}, so the answer must be 405/);
  });

  it('lets pending paths through only while the document has no operation for them', () => {
    expect(() => checker.check(exchange('POST', '/v1/files', 201, { anything: true }))).not.toThrow();
    expect(() => checker.check(exchange('GET', '/v1/files/f_1', 200, { anything: true }))).not.toThrow();
    expect(() => checker.check(exchange('GET', '/v1/filesystem', 200, {}))).toThrow(/no path of the document matches/);
    expect(() => new ResponseChecker(DOCUMENT).check(exchange('POST', '/v1/files', 201, {}))).toThrow(
      /no path of the document matches/,
    );
  });

  it('reads a Response without consuming it', async () => {
    const res = new Response(JSON.stringify({ job_id: 'j', status: 'PENDING' }), { status: 200, headers: JSON_TYPE });
    await checker.checkResponse('GET', '/v1/jobs/j', res);
    expect(await res.json()).toEqual({ job_id: 'j', status: 'PENDING' });
    await expect(
      checker.checkResponse('GET', '/v1/jobs/j', new Response('{}', { status: 200, headers: JSON_TYPE })),
    ).rejects.toThrow(ResponseMismatch);
  });
});
