import { z } from 'zod';
import {
  DatabaseUrlEnv,
  EnvError,
  envIssuesOf,
  FileUrlTtlEnv,
  temporalEnvIssues,
  TemporalEnvShape,
  UrlSigningKeyEnv,
} from '@ordo/core';
import { DEFAULT_TOOL_THREADS } from '@ordo/tools';

/** A host `http_request` may call: `api.example.com`, `*.example.com`, `host:8080`, `[::1]:8080`. */
const HttpAllowedHost = z
  .string()
  .regex(
    /^(\*\.)?([A-Za-z0-9-]+\.)*[A-Za-z0-9-]+(:\d{1,5})?$|^\[[0-9a-fA-F:.]+\](:\d{1,5})?$/,
    'each entry must be a host name, *.domain, or host:port, without scheme or path',
  );

const Env = z.object({
  ...TemporalEnvShape,
  ORDO_TASK_QUEUE: z.string().min(1, 'must not be empty').default('ordo-jobs'),
  ORDO_DATA_DIR: z.string().min(1, 'must not be empty').default('.data'),
  /** Hosts `http_request` may call, comma-separated (`api.example.com`, `*.example.com`, `host:8080`); none by default. */
  ORDO_HTTP_ALLOWED_HOSTS: z
    .string()
    .default('')
    .transform((raw) =>
      raw
        .split(',')
        .map((h) => h.trim())
        .filter((h) => h.length > 0),
    )
    .pipe(z.array(HttpAllowedHost)),
  /** Values larger than this travel between steps by reference (bytes of their JSON). */
  ORDO_INLINE_VALUE_LIMIT_BYTES: z.coerce
    .number({ message: 'must be a number of bytes' })
    .int('must be a whole number of bytes')
    .min(1024, 'must be at least 1024')
    .max(1024 * 1024, 'must be at most 1048576')
    .default(256 * 1024),
  /**
   * Workflow executions kept in the worker's cache (Temporal's `maxCachedWorkflows`); unset, the
   * SDK's default (from the process's memory). Temporal's SDK has no cache of 1: 0 turns the cache
   * off (every workflow task replays its history), 2 is the smallest cache it keeps.
   */
  ORDO_WORKER_MAX_CACHED_WORKFLOWS: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z.coerce
      .number({ message: 'must be a number of workflow executions' })
      .int('must be a whole number')
      .refine(
        (n) => n === 0 || (n >= 2 && n <= 100_000),
        'must be 0 (no cache) or from 2 to 100000: the SDK has no cache of 1',
      )
      .optional(),
  ),
  /** Heavy tool runs (pdf_extractor, text_analyzer, json_transform) at once, each in a worker thread; one per core by default. */
  ORDO_TOOL_THREADS: z.coerce
    .number({ message: 'must be a number of threads' })
    .int('must be a whole number of threads')
    .min(1, 'must be at least 1')
    .max(64, 'must be at most 64')
    .default(DEFAULT_TOOL_THREADS),
  /** `1` registers the test tools (noop, sleep, flaky, fail, tally) beside the catalog: for benchmarks and tests only. */
  ORDO_TEST_TOOLS: z.enum(['0', '1'], { message: 'must be 0 or 1' }).default('0'),
  /** PostgreSQL instead of the SQLite file under ORDO_DATA_DIR; empty means unset. */
  DATABASE_URL: DatabaseUrlEnv,
  /** The API's base URL as external tools' workers reach it: their file, value and upload URLs start with it. */
  ORDO_PUBLIC_URL: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z
      .url({ protocol: /^https?$/, message: 'must be an http(s) URL, e.g. https://ordo.example.com' })
      .default('http://127.0.0.1:3000'),
  ),
  /** The secret the API checks signed URLs with (the same value as the API's); unset, external tools get no file, value or upload URL. */
  ORDO_URL_SIGNING_KEY: UrlSigningKeyEnv,
  /** The shortest lifetime of a signed URL, in seconds (a step allowed to run longer gets longer ones). */
  ORDO_FILE_URL_TTL_SECONDS: FileUrlTtlEnv,
});
export type Env = z.infer<typeof Env>;

/**
 * The worker's configuration; the only place the worker reads `process.env`. A bad
 * environment is refused whole with an {@link EnvError} naming every bad variable.
 */
export function loadWorkerEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const parsed = Env.safeParse(source);
  const issues = [...envIssuesOf(parsed.error), ...temporalEnvIssues(source)];
  if (issues.length > 0 || !parsed.success) throw new EnvError('worker', issues);
  return parsed.data;
}
