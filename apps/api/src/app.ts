import { OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import { HTTPException } from 'hono/http-exception';
import { apiKeyAuth, SECURITY_SCHEME } from './auth';
import type { AppDeps } from './deps';
import { hostCheck } from './host-check';
import { documentIdempotency, idempotency } from './idempotency';
import { jsonBody } from './json-body';
import { nullableRefsAsAnyOf, ProblemRef, route, toolStepTypeOptionalInRequests } from './openapi';
import { valueSchemasForGenerators } from './openapi-generators';
import { methodNotAllowed, methodNotAllowedProblem, pathMethods } from './path-methods';
import { pathParamCheck } from './path-params';
import { SIGNED_URL_SCHEME, SIGNED_URL_SECURITY_SCHEME, signedUrlAccess } from './signed-url-access';
import { isDatabaseUnavailable } from '@ordo/storage';
import { ApiProblem, DATABASE_RETRY_AFTER_S, databaseUnavailable } from './problem';
import { JobEventHub } from './job-event-hub';
import { docsRoutes, OPENAPI_PATH } from './routes/docs';
import { eventRoutes } from './routes/events';
import { fileRoutes } from './routes/files';
import { healthRoutes } from './routes/health';
import { jobRoutes } from './routes/jobs';
import { scheduleRoutes } from './routes/schedules';
import { toolRoutes } from './routes/tools';
import { uploadRoutes } from './routes/uploads';
import { valueRoutes } from './routes/values';
import { workflowRoutes } from './routes/workflows';
import { ToolLiveness } from './tool-liveness';
import { TaskQueuePollers } from './worker-check';

/**
 * The Ordo REST API. Every refused request, whatever raised it, leaves through
 * `onError` as `application/problem+json`; anything unexpected is a logged 500
 * that reveals nothing internal.
 */
export function createApp(deps: AppDeps) {
  const app = new OpenAPIHono();
  // In this order: a foreign Host is refused before anything else, a caller without a key
  // before any body is read, IDs in the path and a method the path does not have before the
  // body, and idempotency keys are looked up for authenticated callers with bodies already checked.
  app.use(hostCheck(deps.allowedHosts));
  // A signed URL (an external tool's file, value or upload) instead of a key, on its one route.
  app.use(signedUrlAccess(deps));
  app.use(apiKeyAuth(deps.auth));
  app.use(pathParamCheck(() => app.routes));
  const methodsOf = pathMethods(() => app.routes);
  app.use(methodNotAllowed(methodsOf));
  app.use(jsonBody(deps.maxJsonBytes ?? DEFAULT_MAX_JSON_BYTES));
  app.use(idempotency(deps.store, { now: deps.now, leaseMs: deps.idempotencyLeaseMs }));
  // One reused answer per task queue for /ready, the tool catalog and publish warnings alike.
  const pollers = new TaskQueuePollers(deps.temporal.client, deps.now);
  const liveness = new ToolLiveness(deps, pollers);
  app.route('/', healthRoutes(deps, pollers));
  app.route('/v1/workflows', workflowRoutes(deps, liveness));
  app.route('/v1/files', fileRoutes(deps));
  app.route('/v1/values', valueRoutes(deps));
  app.route('/v1/uploads', uploadRoutes(deps));
  app.route('/v1/jobs', jobRoutes(deps));
  app.route('/v1/tools', toolRoutes(deps, liveness));
  app.route('/v1/schedules', scheduleRoutes(deps));
  // One reader of the event log for every stream this process serves.
  const eventHub = new JobEventHub(deps.store.events, deps.eventStreams?.pollMs);
  app.route('/v1', eventRoutes(deps, eventHub));
  app.route('/docs', docsRoutes());
  documentApp(app);
  app.openAPIRegistry.registerComponent('securitySchemes', SIGNED_URL_SCHEME, SIGNED_URL_SECURITY_SCHEME);
  app.openAPIRegistry.registerComponent('securitySchemes', SECURITY_SCHEME, {
    type: 'http',
    scheme: 'bearer',
    description:
      'An API key from `ORDO_API_KEYS`, as `Authorization: Bearer <key>`. `./ordo dev` makes one and prints it.',
  });
  let document: ReturnType<typeof app.getOpenAPI31Document> | undefined;
  // Built once, on first request, from every route registered by then; idempotency headers added,
  // and what the generator writes short of what the API does put right.
  app.get(OPENAPI_PATH, (c) =>
    c.json(
      (document ??= valueSchemasForGenerators(
        toolStepTypeOptionalInRequests(
          nullableRefsAsAnyOf(
            documentIdempotency(app.getOpenAPI31Document({ ...OPENAPI_INFO, security: [{ [SECURITY_SCHEME]: [] }] }), {
              $ref: '#/components/schemas/Problem',
            }),
          ),
        ),
      )),
      200,
    ),
  );

  // Hono answers a known path with an unknown method as not found; say which methods it has.
  app.notFound((c) => {
    const allowed = methodsOf(c.req.path);
    if (allowed.length > 0) {
      c.header('Allow', allowed.join(', '));
      throw methodNotAllowedProblem(c.req.method, c.req.path, allowed);
    }
    throw new ApiProblem(404, 'NOT_FOUND', 'Not found', `no route for ${c.req.method} ${c.req.path}`, [
      { field: 'path', message: 'must be a path of this API (see /openapi.json)' },
    ]);
  });

  app.onError((err, c) => {
    const problem = toProblem(err);
    const unavailable = problem.code === 'DATABASE_UNAVAILABLE';
    // An outage is one line per request, not a stack trace each.
    if (unavailable) console.warn(`${c.req.method} ${c.req.path}: database unavailable: ${err.message}`);
    else if (problem.status >= 500) console.error(`${c.req.method} ${c.req.path} failed`, err);
    const headers: Record<string, string> = { 'Content-Type': 'application/problem+json' };
    // Headers a refusal set before it was thrown: Allow (405), WWW-Authenticate (401), Retry-After (409).
    for (const name of ['Allow', 'WWW-Authenticate', 'Retry-After']) {
      const value = c.res.headers.get(name);
      if (value !== null) headers[name] = value;
    }
    if (unavailable) headers['Retry-After'] = String(DATABASE_RETRY_AFTER_S);
    return c.body(JSON.stringify(problem.toJSON(c.req.path)), problem.status, headers);
  });
  /** Ends every open event stream: a stopping server's close waits for open responses. */
  return Object.assign(app, { closeEventStreams: () => eventHub.close() });
}

/** The default cap on JSON request bodies. */
export const DEFAULT_MAX_JSON_BYTES = 1024 * 1024;

/** The document's fixed part; paths and components come from the routes' schemas. */
const OPENAPI_INFO = {
  openapi: '3.1.0',
  info: {
    title: 'Ordo API',
    version: '1.0.0',
    description: [
      'Durable jobs on Temporal: workflow templates, jobs, files and the tool catalog (seeds 000 and 002).',
      '',
      '**Authentication.** Every route except `/health`, `/ready`, `/openapi.json` and `/docs` requires an API key from the',
      "API's configuration, sent as `Authorization: Bearer <key>`; a missing or wrong key is a 401 problem. A file's content,",
      'a stored value and an upload also open to a signed URL made for an external tool (the `signedUrl` scheme: `job_id`,',
      '`expires` and `signature` in the query), refused with a 403 naming the query parameter.',
      '',
      '**Errors.** Every refused request answers `application/problem+json` (RFC 9457, the `Problem` schema): `type`, `title`,',
      '`status`, a machine-readable `code`, `detail`, `instance`, and `errors: [{ field, message }]` naming each field and the',
      "rule it broke; a 409 names the job's current state (`job_status`, `is_paused`). Each operation lists the statuses it",
      'can refuse with. Refused on any path, before routing: a `Host` the API does not serve (421 `HOST_NOT_ALLOWED`), a missing',
      'or wrong key (401 `UNAUTHORIZED`, with `WWW-Authenticate: Bearer`), a request the server cannot route (400',
      '`MALFORMED_REQUEST`), a request line and headers over 16 KiB (431 `HEADERS_TOO_LARGE`); a path no route has is a 404',
      '`NOT_FOUND`, a method a path does not have a 405 `METHOD_NOT_ALLOWED` whose `Allow` lists the methods it has.',
      'JSON bodies must be `application/json` in UTF-8 (415), at most 1 MiB by default (413), nested at',
      'most 64 levels, with no member twice, no number beyond ±1.8e308, no lone surrogate and no U+0000 (422). A POST, PUT or',
      'PATCH with no body, or an empty one, has no body: fine where the body is optional, a 422 naming `(body)` where it is required.',
    ].join('\n'),
  },
  servers: [
    { url: '/', description: 'The server that served this document' },
    { url: 'http://127.0.0.1:3000', description: '`./ordo dev` on this machine' },
  ],
  tags: [
    { name: 'workflows', description: 'Versioned workflow templates' },
    { name: 'jobs', description: 'Jobs: one run of a published workflow version (seeds 000 and 002)' },
    { name: 'files', description: 'Uploaded files, referenced by jobs' },
    { name: 'tools', description: 'The tool catalog' },
    { name: 'schedules', description: 'Schedules: Temporal Schedules whose actions create and start jobs' },
    { name: 'events', description: "Server-sent streams of jobs' events, from what their runs persist" },
    { name: 'operations', description: 'Health, readiness and this reference' },
  ],
};

/**
 * What the document says beyond the routes' own declarations: the `/openapi.json` route (served
 * by the app itself, not declared with `route()`), and the refusals made before routing (a path no
 * route has, a method a path does not have, the host, key and server checks) as named responses
 * no operation refers to: the response checker and the fuzzer read them by name.
 */
function documentApp(app: OpenAPIHono) {
  app.openAPIRegistry.registerPath(
    route({
      operationId: 'getOpenApiDocument',
      method: 'get',
      path: OPENAPI_PATH,
      tags: ['operations'],
      summary: 'This OpenAPI 3.1 document',
      description: 'Generated from the zod schemas the routes validate with; `/docs` shows it.',
      security: [],
      responses: {
        200: {
          description: 'The document',
          content: { 'application/json': { schema: z.object({ openapi: z.string() }).loose() } },
        },
      },
    }),
  );
  const problem = { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } };
  app.openAPIRegistry.registerComponent('responses', 'NotFound', {
    description: 'No route has this path (`code`: `NOT_FOUND`)',
    content: problem,
  });
  app.openAPIRegistry.registerComponent('responses', 'MethodNotAllowed', {
    description:
      'The path has routes, none for this method (`code`: `METHOD_NOT_ALLOWED`); `Allow` lists the methods it has',
    headers: {
      Allow: { description: 'The methods the path has, e.g. `GET, POST`', required: true, schema: { type: 'string' } },
    },
    content: problem,
  });
  // Refused before any routing, so also on paths no route has.
  app.openAPIRegistry.registerComponent('responses', 'Unauthorized', {
    description:
      'A missing or wrong API key (`code`: `UNAUTHORIZED`), checked before routing, so on any path but the open ones',
    headers: { 'WWW-Authenticate': { description: '`Bearer`', required: true, schema: { type: 'string' } } },
    content: problem,
  });
  app.openAPIRegistry.registerComponent('responses', 'HostNotAllowed', {
    description:
      'A `Host` the API does not serve (`code`: `HOST_NOT_ALLOWED`), checked before anything else, against DNS rebinding',
    content: problem,
  });
  // The server's own refusals, made before the app sees the request: on any path.
  app.openAPIRegistry.registerComponent('responses', 'BadRequest', {
    description:
      'A request the server cannot route (`code`: `MALFORMED_REQUEST`): no `Host` or an unusable one, a method HTTP does not have, a malformed request line or header; `errors` names which',
    content: problem,
  });
  app.openAPIRegistry.registerComponent('responses', 'HeadersTooLarge', {
    description: 'A request line and headers over 16 KiB (`code`: `HEADERS_TOO_LARGE`)',
    content: problem,
  });
  // Keeps Problem in the document even before a route refers to it.
  app.openAPIRegistry.register('Problem', ProblemRef);
}

function toProblem(err: Error): ApiProblem {
  if (err instanceof ApiProblem) return err;
  if (isDatabaseUnavailable(err)) return databaseUnavailable();
  if (err instanceof HTTPException) {
    // Hono raises these for malformed JSON bodies and similar protocol errors.
    const status = err.status;
    if (status === 415)
      return new ApiProblem(
        415,
        'UNSUPPORTED_MEDIA_TYPE',
        'Unsupported media type',
        'send the body as application/json',
        [{ field: 'content-type', message: 'must be application/json' }],
      );
    if (status === 400)
      return new ApiProblem(400, 'MALFORMED_REQUEST', 'Malformed request', err.message, [
        { field: '(body)', message: 'must be well-formed' },
      ]);
    return new ApiProblem(status, 'INTERNAL', 'Request failed', err.message);
  }
  return new ApiProblem(500, 'INTERNAL', 'Internal error', 'an unexpected error occurred; it has been logged');
}

export type OrdoApp = ReturnType<typeof createApp>;
