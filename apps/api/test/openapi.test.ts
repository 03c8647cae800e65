import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import { ResponseChecker, ResponseMismatch, seedFile, type OpenApiDocument } from '@ordo/testing';
import { createJob, problem, startApiStack, toolStepDefinition, type ApiStack } from './harness';
import { servedOpenApiDocument } from '../src/openapi-document';
import { checkedApp, PENDING_OPENAPI_PATHS } from './openapi-check';

interface Operation {
  responses: Record<
    string,
    { content?: Record<string, { schema?: unknown; examples?: Record<string, { value: unknown }> }> }
  >;
  requestBody?: { content: Record<string, { schema?: unknown; examples?: Record<string, { value: unknown }> }> };
  security?: unknown[];
}
/** What `route()` makes every operation say of itself. */
interface OperationNaming {
  operationId?: string;
  tags?: string[];
  description?: string;
}
type Document = OpenApiDocument & {
  paths: Record<string, Record<string, Operation>>;
  servers?: { url: string }[];
  tags?: { name: string }[];
  info: { description: string };
};

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];

function isPending(path: string): boolean {
  return PENDING_OPENAPI_PATHS.some((prefix) => path === prefix || path.startsWith(`${prefix}/`));
}

/** The document against the API it describes: valid, complete, its examples true. */
describe('the OpenAPI document', () => {
  let stack: ApiStack;
  let doc: Document;

  beforeAll(async () => {
    stack = await startApiStack('openapi', { worker: false });
    const res = await stack.request('/openapi.json');
    expect(res.status).toBe(200);
    doc = (await res.json()) as Document;
  });
  afterAll(async () => stack.stop());

  it('validates as OpenAPI 3.1 with a standard validator', async () => {
    const validator = new Validator();
    const result = await validator.validate(doc as unknown as Record<string, unknown>);
    expect(result.errors ?? [], JSON.stringify(result.errors, null, 2)).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('catches an invalid document, so the check above can fail', async () => {
    const badStatus = structuredClone(doc) as unknown as {
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
    };
    badStatus.paths['/v1/jobs/{job_id}']!.get!.responses['2xx'] = { description: 'not a status' };
    expect((await new Validator().validate(badStatus)).valid).toBe(false);
    const noInfo: Partial<Document> = structuredClone(doc);
    delete noInfo.info;
    expect((await new Validator().validate(noInfo)).valid).toBe(false);
  });

  it('has every route the app serves, and no route it does not', () => {
    // Hono writes path parameters as `:name`, OpenAPI as `{name}`; `ALL` entries are middleware.
    const served = new Set(
      stack.app.routes
        .filter((r) => r.method !== 'ALL')
        .map((r) => `${r.method} ${r.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`),
    );
    const documented = new Set(
      Object.entries(doc.paths).flatMap(([path, item]) =>
        Object.keys(item)
          .filter((m) => METHODS.includes(m))
          .map((m) => `${m.toUpperCase()} ${path}`),
      ),
    );
    const undocumented = [...served].filter((route) => !documented.has(route) && !isPending(route.split(' ')[1]!));
    expect(undocumented, 'routes the app serves that the document lacks').toEqual([]);
    expect(
      [...documented].filter((route) => !served.has(route)),
      'routes the document lists that the app does not serve',
    ).toEqual([]);
    for (const route of [
      'GET /v1/jobs',
      'POST /v1/jobs/{job_id}/retry',
      'GET /docs',
      'GET /openapi.json',
      'GET /v1/tools/{tool_id}',
    ])
      expect(documented).toContain(route);
  });

  it('lists each route’s problem statuses with the Problem body, and the 404 and 405 answers', () => {
    const problemRef = { $ref: '#/components/schemas/Problem' };
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        expect(
          operation.responses['500']?.content?.['application/problem+json']?.schema,
          `${method} ${path} 500`,
        ).toEqual(problemRef);
        for (const [status, response] of Object.entries(operation.responses)) {
          // A 503 may carry the route's own answer (/health names what is down); every other refusal is a Problem.
          if (Number(status) >= 400 && status !== '503')
            expect(Object.keys(response.content ?? {}), `${method} ${path} ${status}`).toEqual([
              'application/problem+json',
            ]);
        }
        // Open routes cannot refuse a key; every other route can, and uses the database, which may be down.
        const open = Array.isArray(operation.security) && operation.security.length === 0;
        expect('401' in operation.responses, `${method} ${path} 401`).toBe(!open);
        if (!open) expect('503' in operation.responses, `${method} ${path} 503`).toBe(true);
      }
    }
    const start = doc.paths['/v1/jobs/{job_id}/start']!.post!;
    expect(Object.keys(start.responses).sort()).toEqual([
      '202',
      '400',
      '401',
      // An operator's route: a viewer key is refused.
      '403',
      '404',
      '409',
      '413',
      '415',
      '421',
      '422',
      '431',
      '500',
      '503',
    ]);
    // 400 and 431 on every route: the server refuses a request it cannot parse or route before any route runs.
    expect(Object.keys(doc.paths['/v1/jobs/{job_id}']!.get!.responses).sort()).toEqual([
      '200',
      '400',
      '401',
      '404',
      '421',
      '422',
      '431',
      '500',
      '503',
    ]);
    // Refusals made before routing, on any path: named responses the response checker reads.
    expect(Object.keys(doc.components?.responses ?? {})).toEqual(
      expect.arrayContaining(['NotFound', 'MethodNotAllowed', 'BadRequest', 'HeadersTooLarge']),
    );
    expect(doc.info.description).toContain('405 `METHOD_NOT_ALLOWED`');
    expect(doc.components?.schemas?.Problem).toMatchObject({
      required: expect.arrayContaining(['type', 'title', 'status', 'code', 'detail', 'instance']),
    });
  });

  it('names every operation (a unique operationId, the seeds’ names where they name it), with a tag and a description', () => {
    const ids: string[] = [];
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(item) as [string, Operation & OperationNaming][]) {
        expect(operation.operationId, `${method} ${path}`).toMatch(/^[a-z][A-Za-z]+$/);
        expect(operation.tags?.length, `${method} ${path} tags`).toBeGreaterThan(0);
        for (const tag of operation.tags ?? []) expect(doc.tags?.map((t) => t.name)).toContain(tag);
        expect(operation.description?.trim(), `${method} ${path} description`).toBeTruthy();
        ids.push(operation.operationId!);
      }
    }
    expect(ids.length).toBeGreaterThanOrEqual(43);
    expect(new Set(ids).size, 'operationIds are unique').toBe(ids.length);
    const idOf = (method: string, path: string) => (doc.paths[path]![method] as OperationNaming).operationId;
    expect({
      createJob: idOf('post', '/v1/jobs'),
      listJobs: idOf('get', '/v1/jobs'),
      getJob: idOf('get', '/v1/jobs/{job_id}'),
      setInputValue: idOf('put', '/v1/jobs/{job_id}/inputs/{variable_id}'),
      validateInputs: idOf('post', '/v1/jobs/{job_id}/inputs/validate'),
      areInputsValid: idOf('get', '/v1/jobs/{job_id}/inputs'),
      clearInputs: idOf('delete', '/v1/jobs/{job_id}/inputs'),
      startJob: idOf('post', '/v1/jobs/{job_id}/start'),
      cancelJob: idOf('post', '/v1/jobs/{job_id}/cancel'),
      resetJob: idOf('post', '/v1/jobs/{job_id}/reset'),
      pauseJob: idOf('post', '/v1/jobs/{job_id}/pause'),
      resumeJob: idOf('post', '/v1/jobs/{job_id}/resume'),
      retryJob: idOf('post', '/v1/jobs/{job_id}/retry'),
      getExecutionState: idOf('get', '/v1/jobs/{job_id}/execution-state'),
      getExecution: idOf('get', '/v1/jobs/{job_id}/execution'),
      listTools: idOf('get', '/v1/tools'),
      registerTool: idOf('put', '/v1/tools/{tool_id}'),
    }).toEqual(
      Object.fromEntries(
        [
          'createJob',
          'listJobs',
          'getJob',
          'setInputValue',
          'validateInputs',
          'areInputsValid',
          'clearInputs',
          'startJob',
          'cancelJob',
          'resetJob',
          'pauseJob',
          'resumeJob',
          'retryJob',
          'getExecutionState',
          'getExecution',
          'listTools',
          'registerTool',
        ].map((id) => [id, id]),
      ),
    );
  });

  it('is the document the client generators and Redocly read (built without a database or Temporal)', async () => {
    expect(await servedOpenApiDocument()).toEqual(doc);
  });

  it('names core’s schemas as components and says how to authenticate, where the server is, and what the tags are', () => {
    expect(Object.keys(doc.components?.schemas ?? {})).toEqual(
      expect.arrayContaining([
        'Job',
        'JobSummary',
        'JobList',
        'ExecutionState',
        'InputsCheck',
        'RetryPlan',
        'RetryDryRun',
        'RetryStarted',
        'VariableValue',
        'CreateJobRequest',
        'SchemaValue',
        'VariableSchema',
      ]),
    );
    expect(doc.info.description).toContain('Authorization: Bearer');
    expect(doc.servers?.[0]?.url).toBe('/');
    expect(doc.tags?.map((t) => t.name)).toEqual([
      'workflows',
      'jobs',
      'files',
      'tools',
      'schedules',
      'events',
      'operations',
    ]);
    // Every pattern is a plain regex source (a generator once wrote `…$/u`, a pattern nothing matches).
    for (const [, pattern] of JSON.stringify(doc).matchAll(/"pattern":"((?:[^"\\]|\\.)*)"/g))
      expect(JSON.parse(`"${pattern}"`)).not.toMatch(/\/[a-z]+$/);
  });

  it('takes its examples from the seeds, and each one validates against its schema', () => {
    const createJob = doc.paths['/v1/jobs']!.post!.requestBody!.content['application/json']!;
    expect(createJob.examples?.seed002?.value).toEqual(JSON.parse(seedFile('create-job-request.json')));
    const checker = new ResponseChecker(doc);
    let examples = 0;
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        for (const [status, response] of Object.entries(operation.responses)) {
          for (const [type, media] of Object.entries(response.content ?? {})) {
            for (const [name, example] of Object.entries(media.examples ?? {})) {
              examples++;
              const concrete = path.replace(/\{[^}]+\}/g, 'job_abc123');
              const headers = new Headers({ 'content-type': type, location: '/v1/jobs/job_abc123' });
              expect(
                () =>
                  checker.check({
                    method,
                    path: concrete,
                    status: Number(status),
                    headers,
                    body: JSON.stringify(example.value),
                  }),
                `${method} ${path} ${status} example ${name}`,
              ).not.toThrow();
            }
          }
        }
        // Request examples: against the request schema, through the same validator.
        for (const [type, media] of Object.entries(operation.requestBody?.content ?? {})) {
          const requestChecker = new ResponseChecker({
            ...doc,
            paths: { [path]: { [method]: { responses: { 200: { content: { [type]: { schema: media.schema } } } } } } },
          });
          for (const [name, example] of Object.entries(media.examples ?? {})) {
            examples++;
            const concrete = path.replace(/\{[^}]+\}/g, 'x');
            expect(
              () =>
                requestChecker.check({
                  method,
                  path: concrete,
                  status: 200,
                  headers: new Headers({ 'content-type': type }),
                  body: JSON.stringify(example.value),
                }),
              `${method} ${path} request example ${name}`,
            ).not.toThrow();
          }
        }
      }
    }
    expect(examples).toBeGreaterThanOrEqual(15);
  });

  /** A check of a JSON body against the request schema of `method path`, through the response checker's validator. */
  const asRequest = (path: string, method: string) => {
    const schema = doc.paths[path]![method]!.requestBody!.content['application/json']!.schema;
    const checker = new ResponseChecker({
      ...doc,
      paths: { [path]: { [method]: { responses: { 200: { content: { 'application/json': { schema } } } } } } },
    });
    return (body: unknown) =>
      checker.check({
        method,
        path: path.replace(/\{[^}]+\}/g, 'x'),
        status: 200,
        headers: new Headers({ 'content-type': 'application/json' }),
        body: JSON.stringify(body),
      });
  };

  it('requires the `value` of an input to set, null included, as the API does', () => {
    const setInput = asRequest('/v1/jobs/{job_id}/inputs/{variable_id}', 'put');
    expect(() => setInput({ value: null })).not.toThrow();
    expect(() => setInput({ value: { file_id: 'file_1', name: 'a.pdf' } })).not.toThrow();
    expect(() => setInput({})).toThrow(/must have required property 'value'/);
  });

  it("takes seed 002's workflow, whose tool steps have no `type`, as the API does; stored steps keep `type` required", () => {
    const seed = JSON.parse(seedFile('wf_analyze_document.json')) as { steps: Record<string, unknown>[] };
    expect(seed.steps.every((step) => !('type' in step))).toBe(true);
    expect(() => asRequest('/v1/workflows', 'post')(seed)).not.toThrow();
    expect(() => asRequest('/v1/workflows/validate', 'post')(seed)).not.toThrow();
    // …and anything else: the route answers every way a body breaks the schema as an error.
    for (const body of [5, [], { workflow_id: 7 }])
      expect(() => asRequest('/v1/workflows/validate', 'post')(body)).not.toThrow();
    expect(() =>
      asRequest('/v1/workflows/{workflow_id}/versions', 'post')({ name: 'n', steps: seed.steps }),
    ).not.toThrow();
    expect(() =>
      asRequest('/v1/workflows/{workflow_id}/versions/{version}', 'patch')({ steps: seed.steps }),
    ).not.toThrow();
    // Other step types still need their `type`, and a new version needs `from_version` or `name` and `steps`.
    expect(() =>
      asRequest('/v1/workflows', 'post')({ ...seed, steps: [{ step_id: 'w', wait: { duration: '1s' } }] }),
    ).toThrow();
    expect(() => asRequest('/v1/workflows/{workflow_id}/versions', 'post')({ name: 'n' })).toThrow(
      /must have required property 'steps'/,
    );
    expect(() => asRequest('/v1/workflows/{workflow_id}/versions', 'post')({ from_version: 1 })).not.toThrow();
    const storedStep = (
      doc.components!.schemas!.WorkflowVersion as {
        properties: { steps: { items: { oneOf: { required: string[] }[] } } };
      }
    ).properties.steps.items.oneOf;
    expect(storedStep.every((member) => member.required.includes('type'))).toBe(true);
  });

  it('links what a creation answers to the operations it opens, each link to an operation of the document and all its path parameters', () => {
    type Link = { operationRef: string; parameters: Record<string, string> };
    const linksOf = (path: string, method: string, status: string) =>
      (doc.paths[path]![method]!.responses[status] as { links?: Record<string, Link> }).links ?? {};
    expect(Object.keys(linksOf('/v1/jobs', 'post', '201'))).toEqual(
      expect.arrayContaining(['GetJob', 'StartJob', 'PauseJob', 'CancelJob']),
    );
    expect(Object.keys(linksOf('/v1/jobs', 'post', '202'))).toEqual(
      expect.arrayContaining(['GetJob', 'PauseJob', 'CancelJob']),
    );
    expect(Object.keys(linksOf('/v1/files', 'post', '201'))).toEqual(['GetFile', 'GetFileContent', 'DeleteFile']);
    expect(Object.keys(linksOf('/v1/workflows', 'post', '201'))).toEqual(
      expect.arrayContaining(['ListVersions', 'CreateVersion', 'GetVersion', 'PublishVersion']),
    );
    expect(Object.keys(linksOf('/v1/workflows/{workflow_id}/versions', 'post', '201'))).toEqual(
      expect.arrayContaining(['GetVersion', 'EditVersion', 'PublishVersion']),
    );
    let count = 0;
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        for (const [status, response] of Object.entries(operation.responses)) {
          for (const [name, link] of Object.entries((response as { links?: Record<string, Link> }).links ?? {})) {
            count++;
            const [, targetPath, targetMethod] = /^#\/paths\/(.+)\/([a-z]+)$/.exec(link.operationRef) ?? [];
            const target =
              doc.paths[
                decodeURIComponent(targetPath ?? '')
                  .replaceAll('~1', '/')
                  .replaceAll('~0', '~')
              ]?.[targetMethod ?? ''];
            expect(target, `${method} ${path} ${status} ${name}`).toBeDefined();
            const pathParams = [...decodeURIComponent(targetPath ?? '').matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
            expect(Object.keys(link.parameters).sort(), `${method} ${path} ${status} ${name}`).toEqual(
              pathParams.sort(),
            );
          }
        }
      }
    }
    expect(count).toBeGreaterThanOrEqual(30);
  });

  it('holds the response checker to it: a wrong body fails, naming the route, the status and the error', () => {
    const checker = new ResponseChecker(doc);
    const job = doc.paths['/v1/jobs']!.post!.responses['201']!.content!['application/json']!.examples!.seed002!
      .value as Record<string, unknown>;
    const answer = (body: unknown, status = 200) => ({
      method: 'GET',
      path: '/v1/jobs/job_abc123',
      status,
      headers: new Headers({ 'content-type': 'application/json' }),
      body: JSON.stringify(body),
    });
    expect(() => checker.check(answer(job))).not.toThrow();
    expect(() => checker.check(answer({ ...job, status: 'DONE' }))).toThrow(ResponseMismatch);
    expect(() => checker.check(answer({ ...job, status: 'DONE' }))).toThrow(
      /GET \/v1\/jobs\/\{job_id\} → 200: .*\/status must be equal to one of the allowed values/,
    );
    expect(() => checker.check(answer({ ...job, execution_progress: undefined }))).toThrow(
      /must have required property 'execution_progress'/,
    );
    expect(() => checker.check(answer({ ...job, steps: [{ step_id: 'step_1' }] }))).toThrow(/\/steps\/0/);
    expect(() => checker.check(answer(job, 409))).toThrow(/status 409 is not declared/);
  });

  it('fails a request made through a checked app when the answer breaks the document', async () => {
    // A tiny app declaring one route whose handler answers a body its own schema refuses.
    const app = new OpenAPIHono();
    const declared = {
      method: 'get',
      path: '/thing',
      responses: {
        200: { description: 'a thing', content: { 'application/json': { schema: z.object({ n: z.number() }) } } },
      },
    } as const;
    app.openapi(declared, (c) => c.json({ n: 'not a number' } as unknown as { n: number }, 200));
    app.doc31('/openapi.json', { openapi: '3.1.0', info: { title: 'test', version: '1' } });
    const checked = checkedApp(app);
    await expect(Promise.resolve(checked.request('/thing'))).rejects.toThrow(
      /GET \/thing → 200: the body does not match the application\/json schema: \/n must be number/,
    );
  });

  it('declares values holding nulls at any depth (a nested null once matched both branches of a oneOf)', async () => {
    const nested = ['a', null, [null, { deep: null }]];
    const job = await createJob(
      stack,
      {
        input_variables: [{ name: 'tags', variable_id: 'tags', schema: { type: 'array' } }],
        steps: [toolStepDefinition('s', 'noop')],
      },
      { tags: nested },
    );
    // Each answer passes through the checked app, which validates it against the document.
    for (const path of [
      `/v1/jobs/${job.job_id}`,
      `/v1/jobs/${job.job_id}/inputs`,
      `/v1/jobs/${job.job_id}/outputs/tags`,
    ]) {
      const res = await stack.request(path);
      expect(res.status, path).toBe(200);
    }
    expect(
      ((await (await stack.request(`/v1/jobs/${job.job_id}/outputs/tags`)).json()) as { value: unknown }).value,
    ).toEqual(nested);
  });

  it('serves the interactive reference at /docs, offline, reading /openapi.json', async () => {
    const page = await stack.request('/docs');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await page.text();
    expect(html).toContain('<div id="swagger-ui"></div>');
    // Everything it loads is the API's own: no CDN, so it works with no internet access.
    const loads = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(loads.length).toBeGreaterThanOrEqual(3);
    for (const url of loads) {
      expect(url).toMatch(/^\/docs\//);
      const asset = await stack.request(url);
      expect(asset.status, url).toBe(200);
      expect((await asset.arrayBuffer()).byteLength, url).toBeGreaterThan(100);
    }
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    const start = await (await stack.request('/docs/ordo-docs.js')).text();
    expect(start).toContain('url: "/openapi.json"');
    expect(start).toContain('validatorUrl: null');
    const bundle = await stack.request('/docs/swagger-ui-bundle.js');
    expect(bundle.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await bundle.text()).length).toBeGreaterThan(500_000);
    expect((await stack.request('/docs/swagger-ui.css')).headers.get('content-type')).toBe('text/css; charset=utf-8');
    // Only the listed files: nothing else of the package folder, nor anything outside it.
    expect((await problem(await stack.request('/docs/package.json'), 404)).code).toBe('NOT_FOUND');
    expect((await problem(await stack.request('/docs/..%2F..%2Fpackage.json'), 422)).errors?.[0]?.field).toBe(
      'param.asset',
    );
    await problem(await stack.request(`/docs/${'a'.repeat(200)}`), 422);
  });

  it('refuses an ID longer than 128 characters with a 422 naming it, before any lookup', async () => {
    const p = await problem(await stack.request(`/v1/jobs/${'j'.repeat(129)}`), 422);
    expect(p.errors).toEqual([{ field: 'param.job_id', message: expect.stringContaining('128') }]);
    await problem(await stack.request(`/v1/jobs/job_x/outputs/${'v'.repeat(129)}`), 422);
    await problem(await stack.request(`/v1/jobs/${'j'.repeat(128)}`), 404);
  });
});
