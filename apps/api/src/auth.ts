import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { ApiProblem } from './problem';

/**
 * How the API authenticates: the accepted API keys (several at once, so a key can be rotated
 * without downtime), or `off` (every route open: only for a machine nobody else reaches).
 */
export type ApiAuth = { keys: readonly string[] } | 'off';

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
      : (auth?.keys ?? []).map((key) => ({
          digest: digest(key),
          principal: digest(`ordo-principal:${key}`).toString('hex').slice(0, 32),
        }));
  return async (c, next) => {
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
    let principal: string | undefined;
    for (const key of keys) {
      if (timingSafeEqual(presented, key.digest) && principal === undefined) principal = key.principal;
    }
    if (principal === undefined) {
      c.header('WWW-Authenticate', 'Bearer realm="ordo", error="invalid_token"');
      throw new ApiProblem(401, 'UNAUTHORIZED', 'Authentication failed', 'the API key is not valid', [
        { field: 'authorization', message: 'must hold a valid API key' },
      ]);
    }
    c.set('ordoPrincipal', principal);
    return next();
  };
}
