import type { MiddlewareHandler } from 'hono';
import { validationProblem, type FieldError } from './problem';

/** The longest ID a path may carry: Ordo's own IDs are 21 characters, workflow and tool IDs at most 128. */
export const MAX_PATH_PARAM_LENGTH = 128;

/** What every ID in a path is made of: visible ASCII, no `/` or `\` (Ordo's IDs, versions and tool IDs all are). */
const ID = /^[\x21-\x2e\x30-\x5b\x5d-\x7e]+$/;
/** A path that cannot hold a bad ID: short, visible ASCII, nothing percent-encoded. */
const PLAIN_PATH = /^[\x21-\x24\x26-\x5b\x5d-\x7e]*$/;

interface ParamRoute {
  method: string;
  pattern: RegExp;
  names: string[];
}

/**
 * Refuses an ID in a path that no Ordo ID can be, with a 422 naming it (`param.job_id`), on
 * every route whether or not its own schema says so, before any handler looks it up (a NUL
 * would even reach PostgreSQL, which cannot hold one): longer than
 * {@link MAX_PATH_PARAM_LENGTH}, percent-encoding that is not UTF-8, anything but visible
 * ASCII (controls, spaces, bidi overrides), an encoded `/` or `\`, or `.`/`..`. (Past Node's
 * header limit, 16 KiB, the server itself answers 431.)
 *
 * @param routes the app's routes, read on first use (so routes registered after the middleware count)
 */
export function pathParamCheck(routes: () => readonly { method: string; path: string }[]): MiddlewareHandler {
  let compiled: ParamRoute[] | undefined;
  return async (c, next) => {
    const path = c.req.path;
    if (path.length <= MAX_PATH_PARAM_LENGTH && PLAIN_PATH.test(path)) return next();
    compiled ??= routes()
      .filter((r) => r.method !== 'ALL' && r.path.includes('/:'))
      .map((r) => compile(r.method, r.path));
    const route =
      compiled.find((r) => r.method === c.req.method && r.pattern.test(path)) ??
      compiled.find((r) => r.pattern.test(path));
    if (!route) return next();
    const match = route.pattern.exec(path)!;
    const errors = route.names.flatMap((name, i): FieldError[] => {
      const message = paramProblem(match[i + 1] ?? '');
      return message === undefined ? [] : [{ field: `param.${name}`, message }];
    });
    if (errors.length > 0) throw validationProblem(errors);
    return next();
  };
}

/** What is wrong with one path segment as an ID, or undefined when nothing is. */
function paramProblem(segment: string): string | undefined {
  let value: string;
  try {
    value = decodeURIComponent(segment);
  } catch {
    return 'must be percent-encoded UTF-8';
  }
  if (value.length > MAX_PATH_PARAM_LENGTH)
    return `must be at most ${MAX_PATH_PARAM_LENGTH} characters (got ${value.length})`;
  if (!ID.test(value)) return 'must be visible ASCII characters, without / or \\';
  if (value === '.' || value === '..') return 'must not be . or ..';
  return undefined;
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
