import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, type Dialect } from 'kysely';
import { Pool } from 'pg';
import { migrationProvider } from './migrations';
import { cachingStatements } from './sqlite-statement-cache';
import type { Database } from './schema';
import { dialectOf, parseStoreConfig, type StoreConfig } from './store-config';

export type OrdoDatabase = Kysely<Database>;

/**
 * Opens the database a configuration names (the SQLite file `<dataDir>/ordo.db`, or the
 * PostgreSQL database at `databaseUrl`) and brings its schema up to date with the same
 * migrations on either engine.
 */
export async function openDatabase(config: StoreConfig): Promise<OrdoDatabase> {
  const parsed = parseStoreConfig(config);
  const db = new Kysely<Database>({
    dialect:
      parsed.databaseUrl === undefined
        ? sqliteDialect(join(parsed.dataDir, 'ordo.db'))
        : postgresDialect(parsed.databaseUrl),
  });
  try {
    await migrateToLatest(db);
  } catch (err) {
    await db.destroy();
    throw new Error(`Database migration failed (${dialectOf(parsed)}): ${String(err)}`, { cause: err });
  }
  return db;
}

/**
 * The SQLite file shared by the API and worker processes. WAL lets the API read while the
 * worker writes; `busy_timeout` makes a writer wait for the other process's lock instead of
 * failing with SQLITE_BUSY.
 */
function sqliteDialect(path: string): Dialect {
  mkdirSync(dirname(path), { recursive: true });
  const sqlite = new SqliteDatabase(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('busy_timeout = 10000');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('synchronous = NORMAL');
  return new SqliteDialect({ database: cachingStatements(sqlite) });
}

/**
 * How long opening a connection may take before the call fails as the database unavailable:
 * a server that drops packets instead of refusing them must not hold a request or an activity
 * for the kernel's TCP timeout.
 */
const CONNECT_TIMEOUT_MS = 10_000;
/** TCP keepalive probes start after this long idle, so a connection to a vanished host is noticed. */
const KEEPALIVE_DELAY_MS = 10_000;

/**
 * A pool of `pg` clients that survives the server going away. A connection the server drops
 * (a crash, a restart, a failover) makes its client emit `error`, and an `error` event nobody
 * listens to kills the process. `pg-pool` listens only to its idle clients (and re-emits on
 * itself, heard here); a client Kysely has checked out, mid-query or between a transaction's
 * statements, has no listener, so every client gets one of its own when it connects. The call
 * on a broken client fails instead (see `isDatabaseUnavailable`), and the pool discards the
 * client when it is released (it is no longer queryable), so the next call connects afresh.
 */
function postgresDialect(connectionString: string): Dialect {
  const pool = new Pool({
    connectionString,
    max: 10,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    keepAlive: true,
    keepAliveInitialDelayMillis: KEEPALIVE_DELAY_MS,
  });
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  return new PostgresDialect({ pool });
}

/**
 * The API and the worker may start together on a new database and race to migrate. On
 * PostgreSQL, Kysely's migrator serialises them with an advisory lock and the loser finds
 * the schema migrated; SQLite has no such lock, so the loser sees SQLITE_BUSY or a table
 * created meanwhile and simply tries again.
 */
async function migrateToLatest(db: OrdoDatabase): Promise<void> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 5; attempt++) {
    const { error, results } = await new Migrator({ db, provider: migrationProvider }).migrateToLatest();
    const failed = results?.find((r) => r.status === 'Error');
    if (!error && !failed) return;
    lastError = error ?? new Error(`migration ${failed?.migrationName} failed`);
    await new Promise((resolve) => setTimeout(resolve, 100 * (attempt + 1)));
  }
  throw lastError;
}
