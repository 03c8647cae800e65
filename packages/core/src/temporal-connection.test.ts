import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EnvError, TemporalEnv, temporalConnectionOptions, temporalEnvIssues } from './temporal-connection';

const dir = mkdtempSync(join(tmpdir(), 'ordo-tls-'));
const file = (name: string, content: string) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
const cert = file('client.pem', 'CLIENT CERT');
const key = file('client.key', 'CLIENT KEY');
const ca = file('ca.pem', 'SERVER CA');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const text = (bytes: Uint8Array | undefined) => (bytes === undefined ? undefined : new TextDecoder().decode(bytes));

describe('temporalConnectionOptions', () => {
  it('is a plain connection by default', () => {
    expect(temporalConnectionOptions(TemporalEnv.parse({}))).toEqual({ address: '127.0.0.1:7233' });
  });

  it('reads the client certificate pair, the server CA and the server name for mTLS', () => {
    const options = temporalConnectionOptions(
      TemporalEnv.parse({
        TEMPORAL_ADDRESS: 'ordo.a1b2c.tmprl.cloud:7233',
        TEMPORAL_NAMESPACE: 'ordo.a1b2c',
        TEMPORAL_TLS_CLIENT_CERT_PATH: cert,
        TEMPORAL_TLS_CLIENT_KEY_PATH: key,
        TEMPORAL_TLS_SERVER_CA_CERT_PATH: ca,
        TEMPORAL_TLS_SERVER_NAME: 'temporal.internal',
      }),
    );
    expect(options.address).toBe('ordo.a1b2c.tmprl.cloud:7233');
    expect(options.apiKey).toBeUndefined();
    const tls = options.tls as {
      clientCertPair: { crt: Uint8Array; key: Uint8Array };
      serverRootCACertificate: Uint8Array;
      serverNameOverride: string;
    };
    expect(text(tls.clientCertPair.crt)).toBe('CLIENT CERT');
    expect(text(tls.clientCertPair.key)).toBe('CLIENT KEY');
    expect(text(tls.serverRootCACertificate)).toBe('SERVER CA');
    expect(tls.serverNameOverride).toBe('temporal.internal');
  });

  it('sends a Temporal Cloud API key over TLS, with the namespace header', () => {
    const options = temporalConnectionOptions(
      TemporalEnv.parse({
        TEMPORAL_ADDRESS: 'us-east-1.aws.api.temporal.io:7233',
        TEMPORAL_NAMESPACE: 'ordo.a1b2c',
        TEMPORAL_API_KEY: 'eyJhbGciOi.key',
      }),
    );
    expect(options).toEqual({
      address: 'us-east-1.aws.api.temporal.io:7233',
      tls: true,
      apiKey: 'eyJhbGciOi.key',
      metadata: { 'temporal-namespace': 'ordo.a1b2c' },
    });
  });

  it('turns TLS on alone with TEMPORAL_TLS=true', () => {
    expect(temporalConnectionOptions(TemporalEnv.parse({ TEMPORAL_TLS: 'true' })).tls).toBe(true);
  });
});

describe('the Temporal variables', () => {
  it('name each bad variable and its rule', () => {
    const parsed = TemporalEnv.safeParse({
      TEMPORAL_ADDRESS: 'no-port',
      TEMPORAL_TLS: 'yes',
      TEMPORAL_TLS_SERVER_CA_CERT_PATH: join(dir, 'missing.pem'),
    });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['TEMPORAL_ADDRESS', 'must be host:port, e.g. 127.0.0.1:7233'],
      ['TEMPORAL_TLS', 'must be true or false'],
      ['TEMPORAL_TLS_SERVER_CA_CERT_PATH', 'must name a file this process can read'],
    ]);
  });

  it('require a certificate and its key together, and no TLS setting with TLS off', () => {
    expect(temporalEnvIssues({ TEMPORAL_TLS_CLIENT_CERT_PATH: cert })).toEqual([
      {
        variable: 'TEMPORAL_TLS_CLIENT_KEY_PATH',
        message: 'is required when TEMPORAL_TLS_CLIENT_CERT_PATH is set (the client certificate needs its private key)',
      },
    ]);
    expect(temporalEnvIssues({ TEMPORAL_TLS_CLIENT_KEY_PATH: key, TEMPORAL_TLS_CLIENT_CERT_PATH: '' })).toEqual([
      {
        variable: 'TEMPORAL_TLS_CLIENT_CERT_PATH',
        message: 'is required when TEMPORAL_TLS_CLIENT_KEY_PATH is set (the private key needs its client certificate)',
      },
    ]);
    expect(temporalEnvIssues({ TEMPORAL_TLS: 'false', TEMPORAL_API_KEY: 'k' })).toEqual([
      { variable: 'TEMPORAL_API_KEY', message: 'needs TLS, but TEMPORAL_TLS is false' },
    ]);
    expect(temporalEnvIssues({ TEMPORAL_TLS_CLIENT_CERT_PATH: cert, TEMPORAL_TLS_CLIENT_KEY_PATH: key })).toEqual([]);
  });

  it('are reported one line per variable', () => {
    const error = new EnvError('API', [
      { variable: 'PORT', message: 'must be 0–65535' },
      { variable: 'PORT', message: 'a second rule' },
      { variable: 'TEMPORAL_TLS', message: 'must be true or false' },
    ]);
    expect(error.message).toBe(
      'Invalid API environment (2 problems):\n  PORT: must be 0–65535\n  TEMPORAL_TLS: must be true or false',
    );
  });
});
