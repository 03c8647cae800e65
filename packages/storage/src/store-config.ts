import { PostgresUrl } from '@ordo/core';
import { z } from 'zod';

/**
 * Where Ordo keeps its data. Without `databaseUrl` the database is the SQLite file
 * `<dataDir>/ordo.db`, shared by the API and the worker; with a `postgres://` URL it is that
 * PostgreSQL database. Blobs (uploaded files, large values) stay under `dataDir` either way.
 */
export const StoreConfig = z.strictObject({
  dataDir: z.string().min(1, 'must name a folder'),
  databaseUrl: PostgresUrl.optional(),
});
export type StoreConfig = z.infer<typeof StoreConfig>;

/** The database engines Ordo runs on. */
export const DatabaseDialect = z.enum(['sqlite', 'postgres']);
export type DatabaseDialect = z.infer<typeof DatabaseDialect>;

/** Which engine a configuration selects. */
export function dialectOf(config: StoreConfig): DatabaseDialect {
  return config.databaseUrl === undefined ? 'sqlite' : 'postgres';
}

/** Validates a configuration, with a message naming the field and the rule it broke. */
export function parseStoreConfig(config: StoreConfig): StoreConfig {
  const parsed = StoreConfig.safeParse(config);
  if (!parsed.success)
    throw new Error(
      `Invalid store configuration: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  return parsed.data;
}
