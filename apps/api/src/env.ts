import { z } from 'zod';

const Env = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  TEMPORAL_ADDRESS: z.string().min(1).default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  ORDO_TASK_QUEUE: z.string().min(1).default('ordo-jobs'),
  ORDO_DATA_DIR: z.string().min(1).default('.data'),
  /** PostgreSQL instead of the SQLite file under ORDO_DATA_DIR; empty means unset. */
  DATABASE_URL: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z.string().regex(/^postgres(ql)?:\/\/\S+$/, 'must be a postgres:// or postgresql:// URL').optional(),
  ),
  /** `1` accepts workflows using the test tools (noop, sleep, flaky, fail): for benchmarks and tests, with a worker that has them too. */
  ORDO_TEST_TOOLS: z.enum(['0', '1']).default('0'),
  ORDO_MAX_UPLOAD_BYTES: z.coerce.number().int().positive().default(50 * 1024 * 1024),
});
export type Env = z.infer<typeof Env>;

/** The API's configuration; the only place the API reads `process.env`. */
export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const parsed = Env.safeParse(source);
  if (!parsed.success) {
    throw new Error(`Invalid API environment: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}
