import { accessSync, constants, readFileSync } from 'node:fs';
import { z } from 'zod';

/** `host:port`, `[v6]:port`: what Temporal's gRPC clients dial. */
const HOST_PORT = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/;

/** An optional environment variable: unset and empty are the same. */
function optional<T extends z.ZodType>(schema: T) {
  return z.preprocess((v) => (v === '' ? undefined : v), schema.optional());
}

/** A path to a file this process can read (checked when the configuration is parsed). */
const ReadableFile = z.string().refine(
  (path) => {
    try {
      accessSync(path, constants.R_OK);
      return true;
    } catch {
      return false;
    }
  },
  { message: 'must name a file this process can read' },
);

/**
 * The Temporal connection settings both the API and the worker take from the environment,
 * named as Temporal's own CLI and SDK environment configuration names them, so a Temporal
 * Cloud namespace (mTLS or API key) works by configuration alone. Each `env.ts` spreads this
 * shape into its own schema and adds {@link temporalEnvIssues} to its own issues.
 */
export const TemporalEnvShape = {
  /** `host:port` of the Temporal frontend (`<namespace>.<account>.tmprl.cloud:7233` on Cloud). */
  TEMPORAL_ADDRESS: z.string().regex(HOST_PORT, 'must be host:port, e.g. 127.0.0.1:7233').default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z
    .string()
    .min(1, 'must not be empty')
    .max(255, 'must be at most 255 characters')
    .default('default'),
  /** `true` connects with TLS even without client certificates (server verified against the system's CAs or the given CA). */
  TEMPORAL_TLS: optional(z.enum(['true', 'false'], { message: 'must be true or false' })),
  /** mTLS: the client certificate (PEM) and its private key; both or neither. */
  TEMPORAL_TLS_CLIENT_CERT_PATH: optional(ReadableFile),
  TEMPORAL_TLS_CLIENT_KEY_PATH: optional(ReadableFile),
  /** The CA that signed the server's certificate, when the system's CAs do not know it. */
  TEMPORAL_TLS_SERVER_CA_CERT_PATH: optional(ReadableFile),
  /** The name the server's certificate is checked against, when it differs from the address's host. */
  TEMPORAL_TLS_SERVER_NAME: optional(z.string().regex(/^[A-Za-z0-9.-]{1,253}$/, 'must be a DNS name')),
  /** A Temporal Cloud API key (sent as a bearer token; implies TLS). */
  TEMPORAL_API_KEY: optional(z.string().regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces')),
};

/** The parsed Temporal settings (the values of {@link TemporalEnvShape}). */
export const TemporalEnv = z.object(TemporalEnvShape);
export type TemporalEnv = z.infer<typeof TemporalEnv>;

/**
 * The rules across Temporal variables, on the raw environment (so they are reported even
 * when another variable is malformed), one issue per offending variable: a certificate needs
 * its key and the other way round, and TLS settings contradict `TEMPORAL_TLS=false`.
 */
export function temporalEnvIssues(source: Readonly<Record<string, string | undefined>>): EnvIssue[] {
  const set = (name: string) => (source[name] ?? '') !== '';
  const issues: EnvIssue[] = [];
  if (set('TEMPORAL_TLS_CLIENT_CERT_PATH') && !set('TEMPORAL_TLS_CLIENT_KEY_PATH')) {
    issues.push({
      variable: 'TEMPORAL_TLS_CLIENT_KEY_PATH',
      message: 'is required when TEMPORAL_TLS_CLIENT_CERT_PATH is set (the client certificate needs its private key)',
    });
  }
  if (set('TEMPORAL_TLS_CLIENT_KEY_PATH') && !set('TEMPORAL_TLS_CLIENT_CERT_PATH')) {
    issues.push({
      variable: 'TEMPORAL_TLS_CLIENT_CERT_PATH',
      message: 'is required when TEMPORAL_TLS_CLIENT_KEY_PATH is set (the private key needs its client certificate)',
    });
  }
  if (source.TEMPORAL_TLS === 'false') {
    for (const name of [
      'TEMPORAL_TLS_CLIENT_CERT_PATH',
      'TEMPORAL_TLS_CLIENT_KEY_PATH',
      'TEMPORAL_TLS_SERVER_CA_CERT_PATH',
      'TEMPORAL_TLS_SERVER_NAME',
      'TEMPORAL_API_KEY',
    ]) {
      if (set(name)) issues.push({ variable: name, message: 'needs TLS, but TEMPORAL_TLS is false' });
    }
  }
  return issues;
}

/** TLS settings as Temporal's `Connection` and `NativeConnection` take them (`TLSConfig`). */
export interface TemporalTlsOptions {
  serverNameOverride?: string;
  serverRootCACertificate?: Uint8Array;
  clientCertPair?: { crt: Uint8Array; key: Uint8Array };
}

/**
 * What `NativeConnection.connect` accepts (the worker's connection, and the API's through
 * its `LazyNativeConnection`), as does the SDK's JavaScript `Connection`: the address, TLS,
 * and the API key with the namespace header Temporal Cloud's API-key endpoints route by.
 */
export interface TemporalConnectionOptions {
  address: string;
  tls?: TemporalTlsOptions | boolean;
  apiKey?: string;
  metadata?: Record<string, string>;
}

/**
 * Turns the Temporal settings into connection options, reading the certificate files. The
 * one place both processes build their connection from configuration, so a TLS or API-key
 * setup that works for one works for the other.
 */
export function temporalConnectionOptions(
  env: TemporalEnv,
  readFile: (path: string) => Uint8Array = readFileSync,
): TemporalConnectionOptions {
  const tls: TemporalTlsOptions = {};
  if (env.TEMPORAL_TLS_SERVER_NAME !== undefined) tls.serverNameOverride = env.TEMPORAL_TLS_SERVER_NAME;
  if (env.TEMPORAL_TLS_SERVER_CA_CERT_PATH !== undefined)
    tls.serverRootCACertificate = readFile(env.TEMPORAL_TLS_SERVER_CA_CERT_PATH);
  if (env.TEMPORAL_TLS_CLIENT_CERT_PATH !== undefined && env.TEMPORAL_TLS_CLIENT_KEY_PATH !== undefined) {
    tls.clientCertPair = {
      crt: readFile(env.TEMPORAL_TLS_CLIENT_CERT_PATH),
      key: readFile(env.TEMPORAL_TLS_CLIENT_KEY_PATH),
    };
  }
  const wantsTls = env.TEMPORAL_TLS === 'true' || Object.keys(tls).length > 0 || env.TEMPORAL_API_KEY !== undefined;
  const options: TemporalConnectionOptions = { address: env.TEMPORAL_ADDRESS };
  if (wantsTls && env.TEMPORAL_TLS !== 'false') options.tls = Object.keys(tls).length > 0 ? tls : true;
  if (env.TEMPORAL_API_KEY !== undefined) {
    options.apiKey = env.TEMPORAL_API_KEY;
    // Temporal Cloud's regional API-key endpoints route a call by this header.
    options.metadata = { 'temporal-namespace': env.TEMPORAL_NAMESPACE };
  }
  return options;
}

/** One bad environment variable and the rule it broke. */
export interface EnvIssue {
  variable: string;
  message: string;
}

/** A zod error on an environment schema as one issue per variable (the first rule each broke). */
export function envIssuesOf(error: { issues: readonly z.core.$ZodIssue[] } | undefined): EnvIssue[] {
  return (error?.issues ?? []).map((issue) => ({
    variable: issue.path.map(String).join('.') || '(environment)',
    message: issue.message,
  }));
}

/**
 * A process's refusal to start on a bad environment: one line per bad variable (the first
 * rule each broke), so an operator fixes them all in one go.
 */
export class EnvError extends Error {
  readonly issues: EnvIssue[];

  constructor(processName: string, issues: readonly EnvIssue[]) {
    const byVariable = new Map<string, EnvIssue>();
    for (const issue of issues) if (!byVariable.has(issue.variable)) byVariable.set(issue.variable, issue);
    const unique = [...byVariable.values()];
    super(
      `Invalid ${processName} environment (${unique.length} ${unique.length === 1 ? 'problem' : 'problems'}):\n${unique.map((i) => `  ${i.variable}: ${i.message}`).join('\n')}`,
    );
    this.name = 'EnvError';
    this.issues = unique;
  }
}

/**
 * A process's configuration, or its exit: on an `EnvError` the list of bad variables is
 * printed (the operator's to fix; a stack trace would only hide it) and the process exits 1.
 */
export function loadEnvOrExit<T>(load: () => T): T {
  try {
    return load();
  } catch (err) {
    if (!(err instanceof EnvError)) throw err;
    console.error(err.message);
    process.exit(1);
  }
}
