import { createHash } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import type { JobIdempotency, OrdoStore } from '@ordo/storage';
import { principalOf } from './auth';
import { IDEMPOTENCY_LEASE_MS, renewWhileRunning } from './idempotency-lease';
import { ApiProblem } from './problem';

/** How long a key answers with its first response: as on Stripe's API, 24 hours. */
export const IDEMPOTENCY_KEY_TTL_MS = 24 * 60 * 60 * 1000;
/** The request header, as Stripe's API and the IETF draft name it. */
export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';
/** Set to `true` on a response that is a replay of the key's first one. */
export const IDEMPOTENT_REPLAYED_HEADER = 'Idempotent-Replayed';

/** The routes that accept `Idempotency-Key`, as OpenAPI paths: creating a job, starting it, and the controls. */
export const IDEMPOTENT_OPERATIONS: readonly { method: 'post'; path: string }[] = [
  { method: 'post', path: '/v1/jobs' },
  ...['start', 'pause', 'resume', 'cancel', 'reset', 'retry'].map((action) => ({
    method: 'post' as const,
    path: `/v1/jobs/{job_id}/${action}`,
  })),
];

const IDEMPOTENT_PATH = /^\/v1\/jobs(\/[^/]+\/(start|pause|resume|cancel|reset|retry))?\/?$/;
const KEY = /^[\x20-\x7e]{1,255}$/;
/** Response headers replayed with a stored response (the rest are the server's own). */
const REPLAYED_HEADERS = ['content-type', 'location'];
const PURGE_EVERY_MS = 10 * 60 * 1000;

declare module 'hono' {
  interface ContextVariableMap {
    /** The request's Idempotency-Key as stored on what it creates (see {@link idempotencyOf}). */
    ordoIdempotency: JobIdempotency;
  }
}

/**
 * The Idempotency-Key of the request running now, as a job stores it: a digest of the caller
 * and the key, and the request's digest. Undefined without a key (or on other routes).
 */
export function idempotencyOf(c: Context): JobIdempotency | undefined {
  return c.get('ordoIdempotency');
}

/** The same key with another request: 422, whether the key's stored response or the job it created told. */
export function idempotencyKeyReused(): ApiProblem {
  return new ApiProblem(
    422,
    'IDEMPOTENCY_KEY_REUSED',
    'Idempotency key reused',
    'this Idempotency-Key was already used with a different request (method, path or body); use a new key for a new request',
    [{ field: 'header.idempotency-key', message: 'was already used with a different request' }],
  );
}

/** How the middleware keeps keys: the clock, and how long a request that stopped renewing its lease still holds its key. */
export interface IdempotencyOptions {
  now?: (() => Date) | undefined;
  /** See {@link IDEMPOTENCY_LEASE_MS}, the default; the lease is renewed while the request runs. */
  leaseMs?: number | undefined;
}

/**
 * `Idempotency-Key` on the routes of {@link IDEMPOTENT_OPERATIONS}, as Stripe's API has it:
 * the first request with a key runs and its response (2xx or 4xx) is stored in the database;
 * a retry with the same key, method, path and body (from the same API key) gets that
 * response again, marked `Idempotent-Replayed: true`, without running; the same key with
 * another request is a 422, and with a request still running a 409. A 5xx frees the key, so
 * a retry runs. A running request holds its key by a short lease that it renews while it runs;
 * the key of a request whose process died is free once the lease runs out. Keys expire 24 hours
 * after first use. Runs after authentication (keys are scoped to the caller) and after the JSON
 * body checks (the body is read, within its cap).
 */
export function idempotency(store: OrdoStore, options: IdempotencyOptions = {}): MiddlewareHandler {
  const now = options.now ?? (() => new Date());
  const leaseMs = options.leaseMs ?? IDEMPOTENCY_LEASE_MS;
  let lastPurge = 0;
  return async (c, next) => {
    if (c.req.method !== 'POST' || !IDEMPOTENT_PATH.test(c.req.path)) return next();
    const key = c.req.header(IDEMPOTENCY_KEY_HEADER);
    if (key === undefined) return next();
    if (!KEY.test(key)) {
      throw new ApiProblem(
        422,
        'VALIDATION_FAILED',
        'Request validation failed',
        'Idempotency-Key must be 1 to 255 printable ASCII characters',
        [{ field: 'header.idempotency-key', message: 'must be 1 to 255 printable ASCII characters' }],
      );
    }
    const started = now();
    if (started.getTime() - lastPurge > PURGE_EVERY_MS) {
      lastPurge = started.getTime();
      // Housekeeping off the request's path; an expired key is ignored on use anyway.
      void store.idempotency.purgeExpired(started).catch(() => undefined);
    }
    const url = new URL(c.req.url);
    const principal = principalOf(c);
    const hash = requestHash(c.req.method, url, await c.req.text());
    const begun = await store.idempotency.begin({
      principal,
      key,
      request_hash: hash,
      now: started,
      ttl_ms: IDEMPOTENCY_KEY_TTL_MS,
      lease_ms: leaseMs,
    });
    switch (begun.outcome) {
      case 'replay': {
        const headers = new Headers(begun.response.headers);
        headers.set(IDEMPOTENT_REPLAYED_HEADER, 'true');
        return new Response(begun.response.body, { status: begun.response.status, headers });
      }
      case 'mismatch':
        throw idempotencyKeyReused();
      case 'in_flight':
        c.header('Retry-After', '1');
        throw new ApiProblem(
          409,
          'IDEMPOTENCY_KEY_IN_USE',
          'Idempotency key in use',
          'a request with this Idempotency-Key is still running; retry once it has finished',
          [{ field: 'header.idempotency-key', message: 'is in use by a request still running' }],
        );
      case 'proceed':
        break;
    }
    // What the request creates keeps the key for its whole life: a job created under it is
    // found again by a retry after this record is gone (freed by a 5xx, taken over once its
    // lease ran out unrenewed, expired).
    c.set('ordoIdempotency', {
      id: createHash('sha256')
        .update(JSON.stringify([principal, key]))
        .digest('hex'),
      request_hash: hash,
    });
    let completed = false;
    const stopRenewing = renewWhileRunning(store, { principal, key, token: begun.token }, leaseMs, now);
    try {
      await next();
      const res = c.res;
      if (res.status < 500) {
        const headers: Record<string, string> = {};
        for (const name of REPLAYED_HEADERS) {
          const value = res.headers.get(name);
          if (value !== null) headers[name] = value;
        }
        completed = await store.idempotency.complete(principal, key, begun.token, {
          status: res.status,
          headers,
          body: await res.clone().text(),
        });
      }
    } finally {
      stopRenewing();
      // A 5xx, or a failure storing the response: the request did not complete, so a retry runs it.
      if (!completed) await store.idempotency.release(principal, key, begun.token).catch(() => undefined);
    }
  };
}

/**
 * What makes two requests the same: method, path, query and body. A JSON body is compared
 * by value (key order and spacing aside), anything else byte for byte.
 */
function requestHash(method: string, url: URL, body: string): string {
  const query = [...url.searchParams.entries()].sort(([a], [b]) => a.localeCompare(b));
  let canonicalBody = body;
  if (body.trim() !== '') {
    try {
      canonicalBody = JSON.stringify(canonical(JSON.parse(body)));
    } catch {
      // not JSON: compared as sent
    }
  }
  return createHash('sha256')
    .update(JSON.stringify([method, url.pathname.replace(/\/$/, ''), query, canonicalBody]))
    .digest('hex');
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, v]) => [k, canonical(v)]),
    );
  }
  return value;
}

interface OperationLike {
  parameters?: unknown[];
  responses?: Record<string, { headers?: Record<string, unknown> } & Record<string, unknown>>;
}

/**
 * Adds `Idempotency-Key` to the document's idempotent operations: the optional header, the
 * `Idempotent-Replayed` response header on their successes, and their 409 and 422 problems.
 * Operations the document does not hold are left alone.
 */
export function documentIdempotency<T extends { paths?: object }>(document: T, problemSchema: unknown): T {
  const paths = (document.paths ?? {}) as Record<string, Record<string, unknown> | undefined>;
  for (const { method, path } of IDEMPOTENT_OPERATIONS) {
    const operation = paths[path]?.[method] as OperationLike | undefined;
    if (!operation) continue;
    const parameters = operation.parameters ?? [];
    // Header names are case-insensitive: a route that declares the header itself keeps its own.
    const declared = (p: unknown) =>
      typeof p === 'object' &&
      p !== null &&
      (p as { name?: string; in?: string }).in === 'header' &&
      (p as { name?: string }).name?.toLowerCase() === IDEMPOTENCY_KEY_HEADER.toLowerCase();
    if (!parameters.some(declared)) {
      parameters.push({
        name: IDEMPOTENCY_KEY_HEADER,
        in: 'header',
        required: false,
        description:
          'Makes the request safe to retry: the first request with a key runs, and a retry with the same key, method, path and body (from the same API key) within 24 hours gets the first response again (2xx or 4xx; a 5xx frees the key), with `Idempotent-Replayed: true`. The same key with another request is a 422 (`IDEMPOTENCY_KEY_REUSED`), and while the first request still runs a 409 (`IDEMPOTENCY_KEY_IN_USE`, with `Retry-After`). A job created with a key is named by it for good: a create retried later (after a 5xx, a crash or the 24 hours) answers that job as it is now, and starts it if the request asked to and it never started; a start retried after its run began answers that run.',
        schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x20-\\x7e]+$' },
        example: 'b7e2c4a0-3f1d-4c59-9a57-0e4b1f6d2c11',
      });
    }
    operation.parameters = parameters;
    const responses = (operation.responses ??= {});
    for (const [status, response] of Object.entries(responses)) {
      if (!status.startsWith('2')) continue;
      response.headers = {
        ...response.headers,
        [IDEMPOTENT_REPLAYED_HEADER]: {
          description: '`true` when this response is the replay of an earlier request with the same Idempotency-Key',
          schema: { type: 'string', enum: ['true'] },
        },
      };
    }
    const problem = (description: string) => ({
      description,
      content: { 'application/problem+json': { schema: problemSchema } },
    });
    responses['409'] ??= problem(
      'Not possible in the current state, or a request with the same Idempotency-Key is still running',
    );
    responses['422'] ??= problem('The request broke a rule, or its Idempotency-Key was used with a different request');
  }
  return document;
}
