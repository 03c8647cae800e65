import { z } from 'zod';

const Env = z.object({
  TEMPORAL_ADDRESS: z.string().min(1).default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  ORDO_TASK_QUEUE: z.string().min(1).default('ordo-jobs'),
  ORDO_DATA_DIR: z.string().min(1).default('.data'),
  /** Hosts `http_request` may call, comma-separated (`api.example.com`, `*.example.com`, `host:8080`); none by default. */
  ORDO_HTTP_ALLOWED_HOSTS: z
    .string()
    .default('')
    .transform((raw) => raw.split(',').map((h) => h.trim()).filter((h) => h.length > 0)),
  /** Values larger than this travel between steps by reference (bytes of their JSON). */
  ORDO_INLINE_VALUE_LIMIT_BYTES: z.coerce.number().int().min(1024).max(1024 * 1024).default(256 * 1024),
  /** `1` registers the test tools (noop, sleep, flaky, fail) beside the catalog: for benchmarks and tests only. */
  ORDO_TEST_TOOLS: z.enum(['0', '1']).default('0'),
  /** PostgreSQL instead of the SQLite file under ORDO_DATA_DIR; empty means unset. */
  DATABASE_URL: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z.string().regex(/^postgres(ql)?:\/\/\S+$/, 'must be a postgres:// or postgresql:// URL').optional(),
  ),
});
export type Env = z.infer<typeof Env>;

/** The worker's configuration; the only place the worker reads `process.env`. */
export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const parsed = Env.safeParse(source);
  if (!parsed.success) {
    throw new Error(`Invalid worker environment: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}
