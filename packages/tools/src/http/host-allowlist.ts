/**
 * Which hosts `http_request` may reach. Entries: `host` (any port), `host:port` (that port
 * only), `*.example.com` (any subdomain of example.com, not example.com itself); IPv6 as
 * `[::1]` or `[::1]:8080`. Names are compared case-insensitively and without a trailing dot.
 * It matches names as written in the URL: it does not resolve DNS, so allow only hosts
 * whose names you trust to point where you expect.
 */
export class HostAllowlist {
  private readonly entries: readonly AllowlistEntry[];

  constructor(hosts: readonly string[]) {
    this.entries = hosts.map(parseEntry);
  }

  /** Whether a request to `url` may be sent. */
  allows(url: URL): boolean {
    const host = normalizeHost(url.hostname);
    const port = effectivePort(url);
    return this.entries.some((entry) => {
      if (entry.port !== undefined && entry.port !== port) return false;
      return entry.wildcard ? host.endsWith(`.${entry.host}`) : host === entry.host;
    });
  }
}

interface AllowlistEntry {
  host: string;
  port: string | undefined;
  wildcard: boolean;
}

function parseEntry(raw: string): AllowlistEntry {
  const trimmed = raw.trim();
  const wildcard = trimmed.startsWith('*.');
  let parsed: URL;
  try {
    // The URL parser knows host:port and IPv6 brackets; a wildcard is parsed without its "*.".
    parsed = new URL(`http://${wildcard ? trimmed.slice(2) : trimmed}`);
  } catch {
    throw new Error(`Allowed host '${raw}' is not a host name, host:port or *.domain`);
  }
  if (parsed.pathname !== '/' || parsed.search !== '' || parsed.username !== '' || parsed.hash !== '') {
    throw new Error(`Allowed host '${raw}' is not a host name, host:port or *.domain`);
  }
  // `new URL('http://h:80').port` is '' (the scheme's default), so an explicit port is read from the text.
  const explicitPort = /:(\d+)$/.exec(trimmed)?.[1];
  return {
    host: normalizeHost(parsed.hostname),
    port: explicitPort === undefined ? undefined : String(Number(explicitPort)),
    wildcard,
  };
}

function normalizeHost(host: string): string {
  return host.toLowerCase().replace(/\.$/, '');
}

function effectivePort(url: URL): string {
  if (url.port !== '') return url.port;
  return url.protocol === 'https:' ? '443' : '80';
}
