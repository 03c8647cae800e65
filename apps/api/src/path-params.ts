import type { MiddlewareHandler } from 'hono';
import { validationProblem } from './problem';

/** The longest ID a path may carry: Ordo's own IDs are 21 characters, workflow and tool IDs at most 128. */
export const MAX_PATH_PARAM_LENGTH = 128;

interface ParamRoute {
  method: string;
  pattern: RegExp;
  names: string[];
}

/**
 * Refuses a path parameter longer than {@link MAX_PATH_PARAM_LENGTH} with a 422 naming it
 * (`param.job_id`), on every route whether or not its own schema caps it, before any handler
 * looks it up. (Past Node's header limit, 16 KiB, the server itself answers 431.)
 *
 * @param routes the app's routes, read on first use (so routes registered after the middleware count)
 */
export function pathParamLimit(routes: () => readonly { method: string; path: string }[]): MiddlewareHandler {
  let compiled: ParamRoute[] | undefined;
  return async (c, next) => {
    const path = c.req.path;
    if (path.length <= MAX_PATH_PARAM_LENGTH) return next();
    compiled ??= routes()
      .filter((r) => r.method !== 'ALL' && r.path.includes('/:'))
      .map((r) => compile(r.method, r.path));
    const route = compiled.find((r) => r.method === c.req.method && r.pattern.test(path)) ?? compiled.find((r) => r.pattern.test(path));
    if (!route) return next();
    const match = route.pattern.exec(path)!;
    const errors = route.names
      .map((name, i) => ({ name, value: decode(match[i + 1] ?? '') }))
      .filter((p) => p.value.length > MAX_PATH_PARAM_LENGTH)
      .map((p) => ({ field: `param.${p.name}`, message: `must be at most ${MAX_PATH_PARAM_LENGTH} characters (got ${p.value.length})` }));
    if (errors.length > 0) throw validationProblem(errors);
    return next();
  };
}

function compile(method: string, path: string): ParamRoute {
  const names: string[] = [];
  const source = path
    .split('/')
    .map((segment) => {
      if (segment.startsWith(':')) {
        names.push(segment.slice(1).replace(/\{.*\}$/, ''));
        return '([^/]+)';
      }
      return segment.replace(/[.+?^${}()|[\]\\*]/g, '\\$&');
    })
    .join('/');
  return { method, pattern: new RegExp(`^${source}/?$`), names };
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
