import { z } from 'zod';

/**
 * A PostgreSQL connection URL, as the store opens it (`postgres://` or `postgresql://`).
 * One rule for every place that takes one: the store's configuration, and the API's, the
 * worker's and the test helpers' `DATABASE_URL`.
 */
export const PostgresUrl = z.string().regex(/^postgres(ql)?:\/\/\S+$/, 'must be a postgres:// or postgresql:// URL');
export type PostgresUrl = z.infer<typeof PostgresUrl>;

/** `DATABASE_URL` in an environment: a {@link PostgresUrl}, unset and empty alike meaning none (SQLite). */
export const DatabaseUrlEnv = z.preprocess((v) => (v === '' ? undefined : v), PostgresUrl.optional());
export type DatabaseUrlEnv = z.infer<typeof DatabaseUrlEnv>;
