import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import type { SignedUrlGrant } from '@ordo/core';
import { ApiProblem } from './problem';

/** What a key may do, each scope including the ones before it: read; run jobs and edit workflows; change the tool catalog. */
export const API_SCOPES = ['viewer', 'operator', 'admin'] as const;
export type ApiScope = (typeof API_SCOPES)[number];

/** An API key and its scope. */
export interface ScopedApiKey {
  key: string;
  scope: ApiScope;
}

/**
 * A key as `ORDO_API_KEYS` writes it: `viewer:<key>`, `operator:<key>`, `admin:<key>`, or a
 * bare `<key>`, which is admin (so a setup from before scopes keeps every right it had).
 */
export function scopedKeyOf(entry: string): ScopedApiKey {
  const match = /^(viewer|operator|admin):(.*)$/.exec(entry);
  return match ? { scope: match[1] as ApiScope, key: match[2]! } : { scope: 'admin', key: entry };
}

/**
 * How the API authenticates: the accepted API keys (several at once, so a key can be rotated
 * without downtime; a bare string is an admin key), or `off` (every route open, as admin:
 * only for a machine nobody else reaches).
 */
export type ApiAuth = { keys: readonly (string | ScopedApiKey)[] } | 'off';

/** The name of the bearer scheme in the OpenAPI document's `securitySchemes`. */
export const SECURITY_SCHEME = 'bearerAuth';

/** Paths served without a key: probes, the API's own description and its reference page. */
export function isOpenPath(path: string): boolean {
  return (
    path === '/health' || path === '/ready' || path === '/openapi.json' || path === '/docs' || path.startsWith('/docs/')
  );
}

declare module 'hono' {
  interface ContextVariableMap {
    /** Who made the request (see {@link principalOf}). */
    ordoPrincipal: string;
    /** What the request's key may do (admin when authentication is off). */
    ordoScope: ApiScope;
    /** The grant of the signed URL that opened the request, when one did (`signedUrlAccess`): no key needed. */
    ordoSignedGrant: SignedUrlGrant;
  }
}

/**
 * The caller of an authenticated request: a digest of the key it presented (`anonymous`
 * when authentication is off). Stored where a key must be scoped to its caller, it reveals
 * nothing of the key.
 */
export function principalOf(c: Context): string {
  // A context variable, not keyed by the Request: body limits replace `c.req.raw` on the way.
  return c.get('ordoPrincipal') ?? 'anonymous';
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/**
 * Requires `Authorization: Bearer <key>` on every path but the open ones. Keys are compared
 * as SHA-256 digests with `timingSafeEqual`, against every configured key without stopping
 * at a match, so neither a key's length nor its prefix shows in the timing. A missing or
 * wrong key is a 401 problem with `WWW-Authenticate: Bearer`; keys are never logged.
 */
export function apiKeyAuth(auth: ApiAuth | undefined): MiddlewareHandler {
  // No configuration accepts no key: a forgotten setting closes the API rather than opening it.
  const keys =
    auth === 'off'
      ? []
      : (auth?.keys ?? []).map((entry) => {
          const { key, scope } = typeof entry === 'string' ? scopedKeyOf(entry) : entry;
          return {
            digest: digest(key),
            scope,
            principal: digest(`ordo-principal:${key}`).toString('hex').slice(0, 32),
          };
        });
  return async (c, next) => {
    // Opened by a signed URL, checked already: that one route, in the scope the URL grants.
    if (c.get('ordoSignedGrant') !== undefined) return next();
    if (auth === 'off') c.set('ordoScope', 'admin');
    if (auth === 'off' || isOpenPath(c.req.path)) return next();
    const header = c.req.header('authorization');
    const match = header === undefined ? undefined : /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
    if (!match) {
      c.header('WWW-Authenticate', 'Bearer realm="ordo"');
      throw new ApiProblem(
        401,
        'UNAUTHORIZED',
        'Authentication required',
        'send an API key as `Authorization: Bearer <key>`',
        [
          {
            field: 'authorization',
            message: header === undefined ? 'is required: Bearer <API key>' : 'must be `Bearer <API key>`',
          },
        ],
      );
    }
    const presented = digest(match[1]!);
    let found: (typeof keys)[number] | undefined;
    for (const key of keys) {
      if (timingSafeEqual(presented, key.digest) && found === undefined) found = key;
    }
    if (found === undefined) {
      c.header('WWW-Authenticate', 'Bearer realm="ordo", error="invalid_token"');
      throw new ApiProblem(401, 'UNAUTHORIZED', 'Authentication failed', 'the API key is not valid', [
        { field: 'authorization', message: 'must hold a valid API key' },
      ]);
    }
    c.set('ordoPrincipal', found.principal);
    c.set('ordoScope', found.scope);
    return next();
  };
}

/**
 * Refuses a request whose key lacks `scope` with a 403 problem naming the scope it needs
 * (and the one it has); `route()` puts it before every route's own middleware.
 */
export function requireScope(scope: ApiScope): MiddlewareHandler {
  return async (c, next) => {
    const has = c.get('ordoScope') ?? 'viewer';
    if (API_SCOPES.indexOf(has) < API_SCOPES.indexOf(scope))
      throw new ApiProblem(403, 'FORBIDDEN', 'Scope required', `this needs an API key with the ${scope} scope`, [
        { field: 'authorization', message: `must hold a key with the ${scope} scope (this key is ${has})` },
      ]);
    return next();
  };
}
