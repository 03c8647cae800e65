import type { MiddlewareHandler } from 'hono';
import { ApiProblem } from './problem';

/** Host names a local API always answers to, on any port. */
export const LOOPBACK_HOSTS: readonly string[] = ['localhost', '127.0.0.1', '[::1]'];

/**
 * Serves only requests whose `Host` names this API: loopback, the bind host, and the
 * configured names, on any port (`*` among them turns the check off, for an API behind a
 * proxy that checks it). A page on another site that rebinds its own DNS name to 127.0.0.1
 * reaches the API with that foreign name in `Host`, and is refused with 421 before any
 * route or credential is looked at.
 */
export function hostCheck(allowed: readonly string[] = []): MiddlewareHandler {
  const hosts = new Set([...LOOPBACK_HOSTS, ...allowed].map(normalise));
  const any = hosts.has('*');
  return async (c, next) => {
    if (any) return next();
    // The request URL's host is the Host header as the server received it (`localhost` for app.request()).
    const host = hostnameOf(c.req.url);
    if (host === undefined || !hosts.has(host)) {
      // The allowed names are not listed: the caller may be the foreign page itself.
      throw new ApiProblem(
        421,
        'HOST_NOT_ALLOWED',
        'Host not allowed',
        `this API does not answer to the host '${(host ?? '').slice(0, 255)}' (its operator can add names with ORDO_API_ALLOWED_HOSTS)`,
        [{ field: 'host', message: 'must name a host this API answers to' }],
      );
    }
    return next();
  };
}

function hostnameOf(url: string): string | undefined {
  try {
    return normalise(new URL(url).hostname);
  } catch {
    return undefined;
  }
}

/** Lower case, without a trailing dot (`LOCALHOST.` is localhost); IPv6 in brackets. */
function normalise(host: string): string {
  const lower = host.toLowerCase().replace(/\.$/, '');
  return lower.includes(':') && !lower.startsWith('[') ? `[${lower}]` : lower;
}
