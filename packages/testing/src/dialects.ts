import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { describe, inject } from 'vitest';
import { tempDataDir } from './data-dir';

/** The database engines every repository test runs on. */
export const TEST_DIALECTS = ['sqlite', 'postgres'] as const;
export type TestDialect = (typeof TEST_DIALECTS)[number];

/** What a test opens a store with (`openStore(config)`), and how to remove it all afterwards. */
export interface TestStoreConfig {
  config: { dataDir: string; databaseUrl?: string };
  remove: () => Promise<void>;
}

/**
 * A fresh data folder and, for PostgreSQL, a fresh database of its own on the run's server
 * (see `postgres-setup.ts`), so tests never see each other's rows.
 */
export async function testStoreConfig(dialect: TestDialect, label: string): Promise<TestStoreConfig> {
  const dir = await tempDataDir(label);
  if (dialect === 'sqlite') return { config: { dataDir: dir.path }, remove: dir.remove };
  try {
    const database = await createTestDatabase(label);
    return {
      config: { dataDir: dir.path, databaseUrl: database.url },
      remove: async () => {
        await database.drop();
        await dir.remove();
      },
    };
  } catch (err) {
    await dir.remove();
    throw err;
  }
}

/**
 * A new, empty database on the run's PostgreSQL server; `drop` removes it even while
 * connections to it are still open.
 */
export function createTestDatabase(label: string): Promise<{ url: string; drop: () => Promise<void> }> {
  return createDatabase(inject('postgresUrl'), label);
}

/**
 * A new, empty database named after `label` on the PostgreSQL server whose superuser's URL is
 * `adminUrl`; `drop` removes it even while connections to it are still open.
 */
export async function createDatabase(
  adminUrl: string,
  label: string,
): Promise<{ url: string; drop: () => Promise<void> }> {
  // Only [a-z0-9_] reaches the statement: the name is an identifier and cannot be a parameter.
  const name = `ordo_${label
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .slice(0, 30)}_${randomBytes(6).toString('hex')}`;
  await withClient(adminUrl, (client) => client.query(`CREATE DATABASE "${name}"`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () =>
      withClient(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(
        () => undefined,
      ),
  };
}

/**
 * `describe.each` over the dialects: the same suite on SQLite and on PostgreSQL, named
 * `<name> (sqlite)` and `<name> (postgres)`.
 */
export function forEachDialect(name: string, body: (dialect: TestDialect) => void): void {
  describe.each(TEST_DIALECTS)(`${name} (%s)`, body);
}

async function withClient<T>(url: string, use: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

// What postgres-setup.ts hands to every test file through vitest's provide/inject.
declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}
