import { Context } from '@temporalio/activity';
import type { ToolCallInfo, ToolLogger } from './tool-definition.js';

/**
 * What the activity layer needs from Temporal about the attempt it runs: its number, the
 * signal that fires on cancellation or timeout, a way to heartbeat, and Temporal's logger.
 * It is a seam of its own so the activity layer runs unchanged in plain unit tests and
 * scripts, where there is no activity context.
 */
export interface ActivityAttempt {
  /** 1-based, as Temporal counts attempts. */
  attempt: number;
  signal: AbortSignal;
  heartbeat: (details: unknown) => void;
  /** Temporal's activity logger; undefined outside an activity. */
  log: ToolLogger | undefined;
  /** Who the attempt works for (the activity's info); undefined outside an activity. */
  info?: ToolCallInfo;
}

/** Where the activity layer gets the current attempt from; tests supply their own. */
export type ActivityAttemptSource = () => ActivityAttempt;

// Never aborts: outside an activity nothing can cancel the call.
const NEVER_ABORTED = new AbortController().signal;

/**
 * The current Temporal activity attempt, or, outside an activity, attempt 1 with a signal
 * that never fires and heartbeats that go nowhere.
 */
export const temporalActivityAttempt: ActivityAttemptSource = () => {
  const context = currentContext();
  if (context === undefined) return { attempt: 1, signal: NEVER_ABORTED, heartbeat: () => undefined, log: undefined };
  return {
    attempt: context.info.attempt,
    signal: context.cancellationSignal,
    heartbeat: (details) => context.heartbeat(details),
    log: context.log,
    info: {
      job_id: context.info.workflowExecution?.workflowId ?? '',
      workflow_run_id: context.info.workflowExecution?.runId ?? '',
      activity_id: context.info.activityId,
      activity_type: context.info.activityType,
      task_queue: context.info.taskQueue,
    },
  };
};

function currentContext(): Context | undefined {
  try {
    return Context.current();
  } catch {
    // Context.current() throws outside an activity; that is the "no Temporal" case, not an error.
    return undefined;
  }
}
