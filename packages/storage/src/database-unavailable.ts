/**
 * SQLSTATEs of a PostgreSQL server that cannot take the statement now, whatever it is: a lost
 * or refused connection (class 08), a server shutting down or starting up (57P01–57P03), no
 * connection slot free (53300).
 */
const POSTGRES_UNAVAILABLE = /^(08...|57P0[123]|53300)$/;
/** Node's socket errors on the way to the server: it is down, restarting or unreachable. */
const SOCKET_ERRORS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
/**
 * What `pg` says, without a code, when a connection ends under it or cannot be had in time
 * (its `client.js` and `pg-pool`): the server went away or never answered.
 */
const PG_CONNECTION_MESSAGES = [
  'Connection terminated unexpectedly',
  'Connection terminated due to connection timeout',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error and is not queryable',
  'Query read timeout',
];

/**
 * Whether an error means the database cannot be used right now, so the same call may succeed
 * later, as opposed to a refusal of the statement itself (a constraint, a bad query). On
 * PostgreSQL: the server stopped, restarting or unreachable, or the connection lost mid-call;
 * on SQLite: the file locked by another connection past the busy timeout (`SQLITE_BUSY`,
 * `SQLITE_LOCKED` and their extended codes). A call that failed so may or may not have taken
 * effect if it was a commit; every other statement of a failed transaction was rolled back.
 * Looks through `cause` and an `AggregateError`'s errors (Node's connection attempts to
 * several addresses).
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  return unavailable(err, 0);
}

function unavailable(err: unknown, depth: number): boolean {
  if (typeof err !== 'object' || err === null || depth > 5) return false;
  const { code, message, cause, errors } = err as {
    code?: unknown;
    message?: unknown;
    cause?: unknown;
    errors?: unknown;
  };
  if (typeof code === 'string') {
    if (POSTGRES_UNAVAILABLE.test(code) || SOCKET_ERRORS.has(code)) return true;
    if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return true;
  }
  if (typeof message === 'string' && PG_CONNECTION_MESSAGES.some((m) => message.startsWith(m))) return true;
  if (Array.isArray(errors) && errors.some((e) => unavailable(e, depth + 1))) return true;
  return unavailable(cause, depth + 1);
}
