import { Context, heartbeat } from '@temporalio/activity';

/** Reports how far a tool has got; the implementation decides where that goes. */
export type ProgressReporter = (message: string) => void;

/**
 * Heartbeats `{ message }` when called inside a Temporal activity and does nothing
 * elsewhere, so tools run unchanged in plain unit tests and scripts. A heartbeat is also
 * how an activity learns it was cancelled, so a cancelled job stops at the next report
 * instead of finishing a long PDF nobody is waiting for.
 */
export const activityProgress: ProgressReporter = (message) => {
  const context = currentActivityContext();
  if (context === undefined) return;
  heartbeat({ message });
  context.cancellationSignal.throwIfAborted();
};

function currentActivityContext(): Context | undefined {
  try {
    return Context.current();
  } catch {
    // Context.current() throws outside an activity; that is the "no Temporal" case, not an error.
    return undefined;
  }
}
