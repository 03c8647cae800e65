import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect } from 'kysely';
import { migrationProvider } from './migrations';
import type { Database } from './schema';

export type OrdoDatabase = Kysely<Database>;

/**
 * Opens (creating if needed) the SQLite database shared by the API and worker
 * processes, and brings its schema up to date.
 *
 * WAL lets the API read while the worker writes; `busy_timeout` makes a writer wait
 * for the other process's lock instead of failing with SQLITE_BUSY.
 */
export async function openDatabase(path: string): Promise<OrdoDatabase> {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new SqliteDatabase(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('busy_timeout = 10000');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('synchronous = NORMAL');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  // The API and the worker may start together on a new database and race to migrate;
  // the loser sees a busy or already-migrated schema and simply tries again.
  let lastError: unknown;
  for (let attempt = 0; attempt < 5; attempt++) {
    const { error, results } = await new Migrator({ db, provider: migrationProvider }).migrateToLatest();
    const failed = results?.find((r) => r.status === 'Error');
    if (!error && !failed) return db;
    lastError = error ?? new Error(`migration ${failed?.migrationName} failed`);
    await new Promise((resolve) => setTimeout(resolve, 100 * (attempt + 1)));
  }
  await db.destroy();
  throw new Error(`Database migration failed: ${String(lastError)}`);
}
