import type SqliteDatabase from 'better-sqlite3';
import type { SqliteDatabase as KyselySqliteDatabase, SqliteStatement } from 'kysely';

/** Prepared statements kept, at most: Kysely's SQL for one query shape is the same text every time. */
const MAX_STATEMENTS = 500;

/**
 * The SQLite database as Kysely's dialect sees it, with its prepared statements kept by
 * SQL text. Kysely prepares every query afresh, and preparing was the largest single cost of
 * a job's database writes (about a third of their CPU in the benchmark's profile); a query
 * shape seen before now reuses its statement. The least recently used are dropped past
 * `MAX_STATEMENTS`; a statement still iterating (a streamed query) is never shared.
 */
export function cachingStatements(sqlite: SqliteDatabase.Database): KyselySqliteDatabase {
  const statements = new Map<string, SqliteDatabase.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sql: string): SqliteStatement {
      const kept = statements.get(sql);
      if (kept !== undefined && !kept.busy) {
        // Moved to the back: the Map's order is the order of last use.
        statements.delete(sql);
        statements.set(sql, kept);
        return kept;
      }
      const statement = sqlite.prepare(sql);
      if (kept === undefined) {
        statements.set(sql, statement);
        if (statements.size > MAX_STATEMENTS) statements.delete(statements.keys().next().value!);
      }
      return statement;
    },
  };
}
