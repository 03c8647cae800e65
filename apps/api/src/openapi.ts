import { createRoute, OpenAPIHono, type RouteConfig } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { z } from 'zod';
import { SchemaValue, VariableSchema } from '@ordo/core';
import { requireScope, type ApiScope } from './auth';
import { requireJsonBody } from './json-body';
import { Problem, validationProblem, zodFieldErrors, type ApiProblem } from './problem';

/**
 * A router whose routes are declared with `route()` and so appear in the OpenAPI document,
 * validated by the same zod schemas the document is generated from. Every route module
 * builds its routes on one of these; `createApp` mounts them and serves `/openapi.json`.
 *
 * A request breaking a schema is a 422 problem naming each field, whatever part of the
 * request (body, query, path, header) it is in.
 */
export function createRouter() {
  return new OpenAPIHono({
    defaultHook: (result) => {
      if (!result.success) throw invalidRequest(result);
    },
  });
}

/** The 422 of a request part (`target`: json, query, param, header) that breaks its schema, naming each field. */
export function invalidRequest(result: { error: { issues: readonly z.core.$ZodIssue[] }; target: string }): ApiProblem {
  return validationProblem(zodFieldErrors(result.error, result.target === 'json' ? '' : result.target));
}

/** Statuses a route may refuse with; each is documented with the `Problem` body. */
export type ProblemStatus = 400 | 401 | 403 | 404 | 405 | 409 | 413 | 415 | 421 | 422 | 429 | 431 | 500 | 503;

const PROBLEM_DESCRIPTIONS: Record<ProblemStatus, string> = {
  400: 'Malformed request: JSON that does not parse or is not UTF-8, or a request the server refuses before routing (no or an unusable `Host`, a request line or header that is not HTTP)',
  401: 'Missing or wrong API key',
  403: 'The API key lacks the scope this route needs (`x-ordo-scope`); the body names it',
  404: 'Not found',
  405: 'Method not allowed on this path; `Allow` lists the methods it has',
  409: 'Not possible in the current state of the resource; the body names that state',
  413: 'Request body too large',
  415: 'Unsupported media type: send application/json',
  421: 'The Host header names a host this API does not answer to (DNS-rebinding guard)',
  422: 'The request broke a rule; `errors` names each field and rule',
  429: 'Too many open event streams for this API key (`TOO_MANY_STREAMS`); close one, or retry after `Retry-After` seconds',
  431: 'Request line or headers too large',
  500: 'Unexpected error; logged, nothing internal revealed',
  503: 'A dependency is unavailable: Temporal (`TEMPORAL_UNAVAILABLE`), or the database (`DATABASE_UNAVAILABLE`, naming `database`, with `Retry-After`)',
};

/**
 * Statuses every route can answer with, whatever it does; 401 and 503 too unless the route is
 * open (`security: []`): every route behind the API key uses the database, which may be
 * unavailable. 400 and 431 are the server's own refusals, made before any route is found.
 */
const ALWAYS: readonly ProblemStatus[] = [400, 421, 431, 500];
/** Statuses of every route behind the API key. */
const WITH_API_KEY: readonly ProblemStatus[] = [401, 503];
/** Statuses every route taking a JSON body can answer with. */
const WITH_JSON_BODY: readonly ProblemStatus[] = [413, 415, 422];
/** Statuses of any POST, PUT or PATCH, body or not: the JSON body guard refuses a body before the route runs (`jsonBody`). */
const WITH_ANY_BODY: readonly ProblemStatus[] = [413, 415, 422];

/** The problem responses of a route, for its `responses` map. */
export function problemResponses(statuses: readonly ProblemStatus[]) {
  const responses: Record<
    number,
    { description: string; content: { 'application/problem+json': { schema: typeof ProblemRef } } }
  > = {};
  for (const status of [...new Set(statuses)].sort((a, b) => a - b)) {
    responses[status] = {
      description: PROBLEM_DESCRIPTIONS[status],
      content: { 'application/problem+json': { schema: ProblemRef } },
    };
  }
  return responses;
}

/**
 * `schema` as the named component `id` of the OpenAPI document (referenced, not inlined),
 * with `extra` JSON Schema keywords for what zod's schema checks in code (a rule across fields).
 * Called through the prototype because zod gives an instance its methods when it is built,
 * and core's schemas are built before `@hono/zod-openapi` adds `openapi` to zod.
 */
export function component<T extends z.ZodType>(schema: T, id: string, extra?: Record<string, unknown>): T {
  const { openapi } = z.ZodType.prototype as unknown as {
    openapi: (this: T, refId: string, metadata?: Record<string, unknown>) => T;
  };
  return openapi.call(schema, id, extra);
}

/** `Problem` as a named component of the OpenAPI document. */
export const ProblemRef = component(Problem, 'Problem');

/*
 * Core's recursive schemas (built with z.lazy) can be written out only as named components
 * that refer to themselves. Naming a lazy schema names the very instance core's schemas
 * nest, so every schema using them (Job, CreateJobRequest, WorkflowDefinition...) refers to
 * these components, whichever route module is loaded first.
 */
/** Any value a job variable can hold (seed 000's SchemaValueType, docs/contract.md). */
export const SchemaValueRef = component(SchemaValue, 'SchemaValue');
/** The `schema` of an input variable. */
export const VariableSchemaRef = component(VariableSchema, 'VariableSchema');

/**
 * OpenAPI links from an answer to the operations it opens, by reference (`operationRef`: the
 * routes carry no operationId): `{ GetJob: ['get', '/v1/jobs/{job_id}', 'The job'] }`, each
 * taking `parameters` (`{ job_id: '$response.body#/job_id' }`) from the answer. Clients, and
 * the fuzzer's stateful phase, follow them.
 */
export function links(
  parameters: Record<string, string>,
  targets: Record<string, [method: string, path: string, description: string]>,
) {
  return Object.fromEntries(
    Object.entries(targets).map(([name, [method, path, description]]) => [
      name,
      // A JSON pointer in a URI fragment: `~` and `/` escaped as JSON pointers do, braces percent-encoded.
      {
        operationRef: `#/paths/${encodeURIComponent(path.replaceAll('~', '~0').replaceAll('/', '~1'))}/${method}`,
        parameters,
        description,
      },
    ]),
  );
}

/** Named examples of a body, as OpenAPI's `examples` map: `{ name: { summary, value } }`. */
export type Examples = Record<string, { summary: string; value: unknown }>;

/** A JSON response body for a route's `responses` map, with examples when given. */
export function jsonResponse<T extends z.ZodType>(schema: T, description: string, examples?: Examples) {
  return { description, content: { 'application/json': { schema, ...(examples && { examples }) } } } as const;
}

/** A JSON request body for a route's `request` map; `required` unless said otherwise. */
export function jsonRequest<T extends z.ZodType>(
  schema: T,
  options: { required?: boolean; description?: string; examples?: Examples } = {},
) {
  return {
    content: { 'application/json': { schema, ...(options.examples && { examples: options.examples }) } },
    required: options.required ?? true,
    ...(options.description && { description: options.description }),
  } as const;
}

/**
 * What every operation must say of itself, so a new route cannot leave it out: an
 * `operationId` (what generated clients name its method: the seeds' names where they name the
 * operation, `createJob`, `setInputValue`..., the others in the same style), a tag and a description.
 */
export interface OperationNaming {
  operationId: string;
  tags: [string, ...string[]];
  description: string;
}

/**
 * `createRoute` with Ordo's conventions: the problem responses every route has (400, 421, 431,
 * 500, and 401 and 503 unless it is open to all; 413/415/422 with a body and on any POST, PUT or PATCH;
 * 422 with query, path or header parameters) added to the route's own `problems`, so the
 * document lists every error a route can give. A route whose JSON body is required refuses a
 * request without one with a 422 naming `(body)` (`requireJsonBody`).
 */
export function route<R extends RouteConfig>(
  config: R & OperationNaming & { problems?: readonly ProblemStatus[]; scope?: ApiScope },
) {
  const { problems = [], scope: declared, ...rest } = config;
  const request = rest.request;
  const open = Array.isArray(rest.security) && rest.security.length === 0;
  // Reads need a viewer key, writes an operator's, unless the route asks for more (the catalog: admin).
  const scope = open ? undefined : (declared ?? (rest.method === 'get' ? 'viewer' : 'operator'));
  const statuses: ProblemStatus[] = [...ALWAYS, ...(open ? [] : WITH_API_KEY), ...problems];
  if (scope !== undefined && scope !== 'viewer') statuses.push(403);
  if (request?.body) statuses.push(...WITH_JSON_BODY);
  if (rest.method === 'post' || rest.method === 'put' || rest.method === 'patch') statuses.push(...WITH_ANY_BODY);
  if (request?.query || request?.params || request?.headers) statuses.push(422);
  const bodyRequired = request?.body?.required === true && request.body.content['application/json'] !== undefined;
  const middleware = [
    ...(scope !== undefined ? [requireScope(scope)] : []),
    ...(bodyRequired ? [requireJsonBody] : []),
    ...[rest.middleware ?? []].flat(),
  ];
  // Typed as the route's own config: problems are thrown, never returned by a handler.
  return createRoute({
    ...rest,
    ...(scope !== undefined && {
      'x-ordo-scope': scope,
      description: `${rest.description}\n\nScope: \`${scope}\`.`,
    }),
    ...(middleware.length > 0 && { middleware }),
    responses: { ...problemResponses(statuses), ...rest.responses },
  } as unknown as R);
}

/**
 * A route made by {@link route} with `extra` middleware after its own (its scope check, its
 * body guard): for middleware that needs the app's dependencies, which `route()` runs before.
 */
export function withMiddleware<R>(config: R, ...extra: MiddlewareHandler[]): R {
  const own = (config as { middleware?: MiddlewareHandler | MiddlewareHandler[] }).middleware ?? [];
  return { ...config, middleware: [...[own].flat(), ...extra] };
}

/**
 * Rewrites each nullable reference the generator writes, `oneOf: [{ $ref }, { type: 'null' }]`,
 * as `anyOf`. `oneOf` refuses a value both members accept, and a referenced schema may accept
 * null itself: `SchemaValue` does, so a null nested in a value (`[null]`, `{ "a": null }`)
 * matched both members of its items' and values' `oneOf` and broke the document.
 */
export function nullableRefsAsAnyOf<T>(document: T): T {
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const item of node) visit(item);
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    const schema = node as Record<string, unknown>;
    const members = schema.oneOf;
    if (
      Array.isArray(members) &&
      members.length === 2 &&
      members.some((m) => isRef(m)) &&
      members.some((m) => isNullType(m))
    ) {
      schema.anyOf = members;
      delete schema.oneOf;
    }
    for (const value of Object.values(schema)) visit(value);
  };
  visit(document);
  return document;
}

const isRef = (schema: unknown) =>
  typeof schema === 'object' && schema !== null && typeof (schema as { $ref?: unknown }).$ref === 'string';
const isNullType = (schema: unknown) =>
  typeof schema === 'object' &&
  schema !== null &&
  (schema as { type?: unknown }).type === 'null' &&
  Object.keys(schema).length === 1;

/**
 * Lets a tool step leave out `type` in the request bodies that take steps, as the API does
 * (seed 002 writes tool steps without one; a step without `type` but with `tool` is a tool
 * step): the generator writes the stored step, whose `type` is always there, for both. Only
 * the components request bodies refer to change; answers keep `type` required.
 */
export function toolStepTypeOptionalInRequests<T extends { paths?: object; components?: { schemas?: object } }>(
  document: T,
): T {
  const schemas = (document.components?.schemas ?? {}) as Record<
    string,
    { properties?: { steps?: { items?: { oneOf?: unknown[] } } } }
  >;
  const requested = new Set<string>();
  for (const item of Object.values((document.paths ?? {}) as Record<string, PathItem>)) {
    for (const operation of Object.values(item)) {
      for (const media of Object.values(operation?.requestBody?.content ?? {})) {
        const ref = media.schema?.$ref;
        if (ref?.startsWith('#/components/schemas/')) requested.add(ref.slice('#/components/schemas/'.length));
      }
    }
  }
  for (const name of requested) {
    const items = schemas[name]?.properties?.steps?.items;
    if (!items?.oneOf) continue;
    items.oneOf = items.oneOf.map((member) => {
      const step = member as { properties?: { type?: { enum?: unknown[] } }; required?: string[] };
      if (step.properties?.type?.enum?.length !== 1 || step.properties.type.enum[0] !== 'tool' || !step.required)
        return member;
      // A copy: the generator may share this object with the answers' schemas.
      return { ...step, required: step.required.filter((field) => field !== 'type') };
    });
  }
  return document;
}

/** The part of a path item `toolStepTypeOptionalInRequests` reads: its operations' request bodies. */
type PathItem = Record<
  string,
  { requestBody?: { content?: Record<string, { schema?: { $ref?: string } }> } } | undefined
>;
