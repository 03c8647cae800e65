/**
 * Whether a database error is a foreign-key violation, on either engine: PostgreSQL's
 * SQLSTATE 23503, or SQLite's extended code (better-sqlite3 reports it by name).
 */
export function isForeignKeyViolation(err: unknown): boolean {
  if (typeof err !== 'object' || err === null || !('code' in err)) return false;
  const code = err.code;
  return code === '23503' || code === 'SQLITE_CONSTRAINT_FOREIGNKEY';
}
