import { DEFAULT_TEMPORAL_UI_URL } from './temporal-ui';
import { z } from 'zod';
import {
  DatabaseUrlEnv,
  EnvError,
  UrlSigningKeyEnv,
  envIssuesOf,
  temporalEnvIssues,
  TemporalEnvShape,
  type EnvIssue,
} from '@ordo/core';
import { scopedKeyOf } from './auth';
import { IDEMPOTENCY_LEASE_MS } from './idempotency-lease';

/** A comma-separated list; blanks around items and empty items are ignored. */
function list<T>(item: z.ZodType<T, string>) {
  return z
    .string()
    .default('')
    .transform((raw) =>
      raw
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s.length > 0),
    )
    .pipe(z.array(item));
}

/** A shortest key worth guessing against: `./ordo dev` makes 43 random characters. */
export const MIN_API_KEY_LENGTH = 20;

const ApiKey = z
  .string()
  .min(MIN_API_KEY_LENGTH, `each key must be at least ${MIN_API_KEY_LENGTH} characters`)
  .max(512, 'each key must be at most 512 characters')
  .regex(/^[\x21-\x2b\x2d-\x7e]+$/, 'each key must be printable ASCII without spaces or commas');

/** One entry of `ORDO_API_KEYS`: `viewer:`, `operator:` or `admin:` and a key, or a bare key (admin). */
const ScopedApiKeyEntry = z.string().transform((entry, ctx) => {
  const scoped = scopedKeyOf(entry);
  const checked = ApiKey.safeParse(scoped.key);
  if (!checked.success) {
    for (const issue of checked.error.issues) ctx.addIssue({ code: 'custom', message: issue.message });
    return z.NEVER;
  }
  return scoped;
});

/** A host name (or IP address) the API answers to; any port. `*` turns the check off. */
const AllowedHost = z
  .string()
  .regex(
    /^(\*|\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)$/,
    'each entry must be a host name or IP address without scheme or port ([::1] for IPv6), or *',
  );

const Env = z.object({
  PORT: z.coerce
    .number({ message: 'must be a port number' })
    .int('must be a whole number')
    .min(0, 'must be 0–65535')
    .max(65535, 'must be 0–65535')
    .default(3000),
  /** The address the API listens on; also a host name it answers to. */
  HOST: z.string().min(1, 'must not be empty').default('127.0.0.1'),
  ...TemporalEnvShape,
  ORDO_TASK_QUEUE: z.string().min(1, 'must not be empty').default('ordo-jobs'),
  ORDO_DATA_DIR: z.string().min(1, 'must not be empty').default('.data'),
  /** PostgreSQL instead of the SQLite file under ORDO_DATA_DIR; empty means unset. */
  DATABASE_URL: DatabaseUrlEnv,
  /** `1` registers the test tools (noop, sleep, flaky, fail, tally) in the catalog at start, beside the built-in ones: for benchmarks and tests, with a worker that has them too. */
  ORDO_TEST_TOOLS: z.enum(['0', '1'], { message: 'must be 0 or 1' }).default('0'),
  ORDO_MAX_UPLOAD_BYTES: z.coerce
    .number({ message: 'must be a number of bytes' })
    .int('must be a whole number of bytes')
    .positive('must be positive')
    .default(50 * 1024 * 1024),
  ORDO_MAX_JSON_BYTES: z.coerce
    .number({ message: 'must be a number of bytes' })
    .int('must be a whole number of bytes')
    .min(1024, 'must be at least 1024')
    .max(64 * 1024 * 1024, 'must be at most 64 MiB')
    .default(1024 * 1024),
  /** API keys accepted as `Authorization: Bearer <key>`, comma-separated; several at once for rotation. */
  ORDO_API_KEYS: list(ScopedApiKeyEntry),
  /** `off` serves every route without a key: only for a machine nobody else reaches. */
  ORDO_AUTH: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z.enum(['on', 'off'], { message: 'must be on or off' }).default('on'),
  ),
  /** Host names the API answers to besides localhost, 127.0.0.1, [::1] and HOST (DNS-rebinding guard). */
  ORDO_API_ALLOWED_HOSTS: list(AllowedHost),
  /** How long an Idempotency-Key stays held by a request that stopped renewing it (its process died) before a retry takes it over. */
  ORDO_IDEMPOTENCY_LEASE_MS: z.coerce
    .number({ message: 'must be a number of milliseconds' })
    .int('must be a whole number of milliseconds')
    .min(1000, 'must be at least 1000')
    .default(IDEMPOTENCY_LEASE_MS),
  /** The secret of signed URLs (external tools' file, value and upload URLs), the worker's too; unset, no signed URL opens. */
  ORDO_URL_SIGNING_KEY: UrlSigningKeyEnv,
  /** The Temporal Web UI each job links to (`links.temporal_ui`); the dev server's by default. */
  ORDO_TEMPORAL_UI_URL: z.url({ message: 'must be an http(s) URL' }).default(DEFAULT_TEMPORAL_UI_URL),
  /** How often runs closed in Temporal without their ending recorded (terminated) are ended in the store; 0 turns the sweep off. */
  ORDO_RUN_SWEEP_INTERVAL_MS: z.coerce
    .number({ message: 'must be a number of milliseconds' })
    .int('must be a whole number of milliseconds')
    .min(0, 'must be 0 or more')
    .default(60_000),
  /** Event streams (`GET /v1/jobs/{job_id}/events`, `GET /v1/events`) one API key may hold open at once; 429 past it. */
  ORDO_EVENT_STREAMS_PER_KEY: z.coerce
    .number({ message: 'must be a number of streams' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .default(16),
  /** How often the API's one reader of the job event log looks for new events while a stream is open. */
  ORDO_EVENT_POLL_MS: z.coerce
    .number({ message: 'must be a number of milliseconds' })
    .int('must be a whole number of milliseconds')
    .min(10, 'must be at least 10')
    .max(10_000, 'must be at most 10000')
    .default(150),
});
export type Env = z.infer<typeof Env>;

/** Rules across variables, on the raw environment so they are reported beside any other issue. */
function crossIssues(source: Readonly<Record<string, string | undefined>>): EnvIssue[] {
  const issues = temporalEnvIssues(source);
  const keys = (source.ORDO_API_KEYS ?? '').split(',').some((k) => k.trim() !== '');
  const auth = source.ORDO_AUTH || 'on';
  if (auth !== 'off' && !keys) {
    issues.push({
      variable: 'ORDO_API_KEYS',
      message:
        'must hold at least one API key (comma-separated) while authentication is on; set ORDO_AUTH=off to run without keys',
    });
  }
  if (auth === 'off' && keys) {
    issues.push({ variable: 'ORDO_AUTH', message: 'is off, but ORDO_API_KEYS is set: unset one of them' });
  }
  return issues;
}

/**
 * The API's configuration; the only place the API reads `process.env`. A bad environment
 * is refused whole with an {@link EnvError} naming every bad variable.
 */
export function loadApiEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const parsed = Env.safeParse(source);
  const issues = [...envIssuesOf(parsed.error), ...crossIssues(source)];
  if (issues.length > 0 || !parsed.success) throw new EnvError('API', issues);
  return parsed.data;
}
