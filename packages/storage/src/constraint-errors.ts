/**
 * Whether a database error is a foreign-key violation, on either engine: PostgreSQL's
 * SQLSTATE 23503, or SQLite's extended code (better-sqlite3 reports it by name).
 */
export function isForeignKeyViolation(err: unknown): boolean {
  if (typeof err !== 'object' || err === null || !('code' in err)) return false;
  const code = err.code;
  return code === '23503' || code === 'SQLITE_CONSTRAINT_FOREIGNKEY';
}

/**
 * Whether a database error is a unique-constraint violation, on either engine: PostgreSQL's
 * SQLSTATE 23505, or SQLite's extended codes for a unique index or a primary key.
 */
export function isUniqueViolation(err: unknown): boolean {
  if (typeof err !== 'object' || err === null || !('code' in err)) return false;
  const code = err.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}
