import { describe, expect, it } from 'vitest';
import { HostAllowlist } from './host-allowlist';

const allows = (hosts: string[], url: string) => new HostAllowlist(hosts).allows(new URL(url));

describe('HostAllowlist', () => {
  it('allows nothing when empty', () => {
    expect(allows([], 'https://example.com/')).toBe(false);
  });

  it('matches exact host names on any port, case-insensitively and ignoring a trailing dot', () => {
    expect(allows(['api.example.com'], 'https://API.example.com./v1')).toBe(true);
    expect(allows(['api.example.com'], 'http://api.example.com:8080/')).toBe(true);
    expect(allows(['api.example.com'], 'https://example.com/')).toBe(false);
    expect(allows(['api.example.com'], 'https://api.example.com.evil.test/')).toBe(false);
    expect(allows(['127.0.0.1'], 'http://127.0.0.1:4321/')).toBe(true);
    expect(allows(['127.0.0.1'], 'http://localhost:4321/')).toBe(false);
  });

  it('restricts to a port when the entry names one, counting default ports', () => {
    expect(allows(['api.example.com:8443'], 'https://api.example.com:8443/')).toBe(true);
    expect(allows(['api.example.com:8443'], 'https://api.example.com/')).toBe(false);
    expect(allows(['api.example.com:443'], 'https://api.example.com/')).toBe(true);
    expect(allows(['api.example.com:80'], 'https://api.example.com/')).toBe(false);
    expect(allows(['[::1]:8080'], 'http://[::1]:8080/')).toBe(true);
    expect(allows(['[::1]'], 'http://[::1]:9/')).toBe(true);
  });

  it('matches subdomains, not the domain itself, for *.domain', () => {
    expect(allows(['*.example.com'], 'https://a.b.example.com/')).toBe(true);
    expect(allows(['*.example.com'], 'https://example.com/')).toBe(false);
    expect(allows(['*.example.com'], 'https://badexample.com/')).toBe(false);
  });

  it('refuses an entry that is not a host', () => {
    expect(() => new HostAllowlist(['https://example.com/path'])).toThrow(
      "Allowed host 'https://example.com/path' is not a host name, host:port or *.domain",
    );
    expect(() => new HostAllowlist(['exa mple.com'])).toThrow(/is not a host name/);
  });
});
