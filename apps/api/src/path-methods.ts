import type { MiddlewareHandler } from 'hono';
import { ApiProblem } from './problem';

interface MethodRoute {
  method: string;
  pattern: RegExp;
  /** Path segments that are not parameters: the more, the more specific the route. */
  literals: number;
}

/**
 * The methods a concrete path has, as the OpenAPI document reads them: a path matching
 * several route templates belongs to the most specific ones (the most literal segments), so
 * `/v1/jobs/j1/inputs/validate` is `POST …/inputs/validate`'s alone, not also
 * `PUT …/inputs/{variable_id}`'s. Empty when no route has the path.
 *
 * @param routes the app's routes, read on first use (so routes registered later count)
 */
export function pathMethods(routes: () => readonly { method: string; path: string }[]): (path: string) => string[] {
  let compiled: MethodRoute[] | undefined;
  return (path) => {
    compiled ??= routes()
      .filter((r) => r.method !== 'ALL')
      .map((r) => ({
        method: r.method,
        pattern: pathPattern(r.path),
        literals: r.path.split('/').filter((s) => s !== '' && !s.startsWith(':') && s !== '*').length,
      }));
    const matching = compiled.filter((r) => r.pattern.test(path));
    const best = Math.max(...matching.map((r) => r.literals));
    return [...new Set(matching.filter((r) => r.literals === best).map((r) => r.method))].sort();
  };
}

/**
 * Refuses a method that the path's own routes (`pathMethods`) do not have with a 405 naming
 * those in `Allow`, even when a less specific template would take it: `PUT
 * /v1/jobs/j1/inputs/validate` is not setting an input named `validate`, as the document
 * says. Paths no route has go on (to the 404).
 */
export function methodNotAllowed(methodsOf: (path: string) => string[]): MiddlewareHandler {
  return async (c, next) => {
    const allowed = methodsOf(c.req.path);
    const method = c.req.method === 'HEAD' ? 'GET' : c.req.method;
    if (allowed.length === 0 || allowed.includes(method)) return next();
    c.header('Allow', allowed.join(', '));
    throw methodNotAllowedProblem(c.req.method, c.req.path, allowed);
  };
}

/** The 405 for a method the path does not have, naming `method` and the ones it has (the caller sets `Allow`). */
export function methodNotAllowedProblem(method: string, path: string, allowed: readonly string[]): ApiProblem {
  return new ApiProblem(
    405,
    'METHOD_NOT_ALLOWED',
    'Method not allowed',
    `${method} is not allowed on ${path}; allowed: ${allowed.join(', ')}`,
    [{ field: 'method', message: `must be one of ${allowed.join(', ')}` }],
  );
}

/** A route path such as `/v1/jobs/:job_id/start` as a pattern matching concrete paths. */
function pathPattern(path: string): RegExp {
  const escaped = path
    .replace(/[.+?^${}()|[\]\\]/g, '\\$&')
    .replace(/\/:[A-Za-z_][A-Za-z0-9_]*/g, '/[^/]+')
    .replace(/\/\*$/, '(/.*)?');
  return new RegExp(`^${escaped}/?$`);
}
