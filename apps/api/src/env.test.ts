import { describe, expect, it } from 'vitest';
import { EnvError } from '@ordo/core';
import { loadApiEnv } from './env';

const KEY = 'k'.repeat(32);

function issues(source: Record<string, string>): string[] {
  try {
    loadApiEnv(source);
  } catch (err) {
    if (err instanceof EnvError) return err.issues.map((i) => `${i.variable}: ${i.message}`);
    throw err;
  }
  return [];
}

describe("the API's environment", () => {
  it('has working defaults once a key is given', () => {
    const env = loadApiEnv({ ORDO_API_KEYS: KEY });
    expect(env).toMatchObject({
      PORT: 3000,
      HOST: '127.0.0.1',
      TEMPORAL_ADDRESS: '127.0.0.1:7233',
      TEMPORAL_NAMESPACE: 'default',
      ORDO_AUTH: 'on',
      ORDO_API_KEYS: [{ key: KEY, scope: 'admin' }],
      ORDO_API_ALLOWED_HOSTS: [],
    });
  });

  it('takes several keys for rotation, and allowed hosts', () => {
    const env = loadApiEnv({
      ORDO_API_KEYS: ` ${KEY} , ${'n'.repeat(24)},`,
      ORDO_API_ALLOWED_HOSTS: 'ordo.example.com, 10.0.0.5,[fd00::1]',
    });
    expect(env.ORDO_API_KEYS).toEqual([
      { key: KEY, scope: 'admin' },
      { key: 'n'.repeat(24), scope: 'admin' },
    ]);
    expect(env.ORDO_API_ALLOWED_HOSTS).toEqual(['ordo.example.com', '10.0.0.5', '[fd00::1]']);
  });

  it('takes a scope before a key (viewer, operator, admin), a bare key being admin', () => {
    const env = loadApiEnv({ ORDO_API_KEYS: `viewer:${KEY}, operator:${'o'.repeat(24)},admin:${'a'.repeat(24)}` });
    expect(env.ORDO_API_KEYS).toEqual([
      { key: KEY, scope: 'viewer' },
      { key: 'o'.repeat(24), scope: 'operator' },
      { key: 'a'.repeat(24), scope: 'admin' },
    ]);
    // The rules apply to the key after its scope.
    expect(issues({ ORDO_API_KEYS: 'viewer:short' })).toEqual([
      `ORDO_API_KEYS.0: each key must be at least 20 characters`,
    ]);
  });

  it('refuses to start without a key unless authentication is turned off explicitly', () => {
    expect(issues({})).toEqual([
      'ORDO_API_KEYS: must hold at least one API key (comma-separated) while authentication is on; set ORDO_AUTH=off to run without keys',
    ]);
    expect(loadApiEnv({ ORDO_AUTH: 'off' }).ORDO_API_KEYS).toEqual([]);
    expect(issues({ ORDO_AUTH: 'off', ORDO_API_KEYS: KEY })).toEqual([
      'ORDO_AUTH: is off, but ORDO_API_KEYS is set: unset one of them',
    ]);
  });

  it('names every bad variable at once, one line each, with its rule', () => {
    expect(
      issues({
        PORT: '70000',
        TEMPORAL_ADDRESS: 'localhost',
        TEMPORAL_TLS_CLIENT_CERT_PATH: '/nonexistent/client.pem',
        DATABASE_URL: 'mysql://x',
        ORDO_TEST_TOOLS: 'yes',
        ORDO_MAX_UPLOAD_BYTES: 'lots',
        ORDO_API_KEYS: 'short,has space in it and is long enough',
        ORDO_AUTH: 'maybe',
        ORDO_API_ALLOWED_HOSTS: 'http://evil.example/',
      }),
    ).toEqual([
      'PORT: must be 0–65535',
      'TEMPORAL_ADDRESS: must be host:port, e.g. 127.0.0.1:7233',
      'TEMPORAL_TLS_CLIENT_CERT_PATH: must name a file this process can read',
      'DATABASE_URL: must be a postgres:// or postgresql:// URL',
      'ORDO_TEST_TOOLS: must be 0 or 1',
      'ORDO_MAX_UPLOAD_BYTES: must be a number of bytes',
      'ORDO_API_KEYS.0: each key must be at least 20 characters',
      'ORDO_API_KEYS.1: each key must be printable ASCII without spaces or commas',
      'ORDO_AUTH: must be on or off',
      'ORDO_API_ALLOWED_HOSTS.0: each entry must be a host name or IP address without scheme or port ([::1] for IPv6), or *',
      'TEMPORAL_TLS_CLIENT_KEY_PATH: is required when TEMPORAL_TLS_CLIENT_CERT_PATH is set (the client certificate needs its private key)',
    ]);
  });

  it('says so in the error message a process prints', () => {
    expect(() => loadApiEnv({ PORT: 'x', ORDO_API_KEYS: KEY })).toThrow(
      'Invalid API environment (1 problem):\n  PORT: must be a port number',
    );
  });
});
