import { z } from 'zod';
import { DatabaseUrlEnv } from '@ordo/core';

const TestEnv = z.object({
  /**
   * A PostgreSQL server for the tests instead of the one the global setup starts. Its user
   * must be allowed to create databases: every test gets one of its own.
   */
  DATABASE_URL: DatabaseUrlEnv,
  /** The seed of the OpenAPI fuzzer's run (`runSchemathesis`), to replay one a run printed; random otherwise. */
  ORDO_FUZZ_SEED: z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().int().nonnegative().optional()),
});
export type TestEnv = z.infer<typeof TestEnv>;

/** The test helpers' configuration; the only place @ordo/testing reads `process.env`. */
export function loadTestEnv(source: NodeJS.ProcessEnv = process.env): TestEnv {
  const parsed = TestEnv.safeParse(source);
  if (!parsed.success) {
    throw new Error(
      `Invalid test environment: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  return parsed.data;
}

/**
 * The environment for a process a test starts: the test's own (as a person's shell or CI
 * hands it on), with `overrides`, and `pathFirst` folders in front of `PATH`.
 */
export function childProcessEnv(overrides: Record<string, string> = {}, pathFirst: string[] = []): NodeJS.ProcessEnv {
  const path = [...pathFirst, process.env.PATH ?? ''].filter((p) => p !== '').join(':');
  return { ...process.env, ...overrides, ...(pathFirst.length > 0 && { PATH: path }) };
}
