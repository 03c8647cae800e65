import { Context } from '@temporalio/activity';
import { isDatabaseUnavailable } from '@ordo/storage';

/** The first pause between tries; it doubles up to {@link LONGEST_PAUSE_MS}. */
const FIRST_PAUSE_MS = 250;
/** The longest pause between tries: the call goes through within about this once the database is back. */
const LONGEST_PAUSE_MS = 2_000;

/**
 * Runs `call` and, while it fails because the database is unavailable, runs it again within
 * the current activity attempt: heartbeating, so Temporal keeps the attempt alive, until the
 * call succeeds, fails for another reason, or the attempt is cancelled (the run cancelled, the
 * worker shutting down, its start-to-close timeout), which rejects with Temporal's
 * `CancelledFailure`. So a database outage costs a tool step time, not its attempts: a step
 * has 3 by default, about 3 s of retries, and an outage of 20 s would fail the job. Only for
 * reads and writes a tool attempt cannot go on without (the run's claim of its job, the
 * file it reads); its records of progress and ending stay best effort, so its result reaches
 * Temporal at once. Outside an activity (scripts, tests), `call` runs once.
 */
export async function waitingOutDatabaseOutage<T>(what: string, call: () => Promise<T>): Promise<T> {
  const context = activityContext();
  let pause = FIRST_PAUSE_MS;
  let warned = false;
  for (;;) {
    try {
      return await call();
    } catch (err) {
      if (context === undefined || !isDatabaseUnavailable(err)) throw err;
      if (!warned) {
        warned = true;
        context.log.warn(`The database is unavailable; waiting for it to ${what}`, {
          error: err instanceof Error ? err.message : String(err),
        });
      }
      context.heartbeat();
      await context.sleep(pause);
      pause = Math.min(pause * 2, LONGEST_PAUSE_MS);
    }
  }
}

function activityContext(): Context | undefined {
  try {
    return Context.current();
  } catch {
    // Context.current() throws outside an activity: no attempt to keep alive, nothing to wait in.
    return undefined;
  }
}
