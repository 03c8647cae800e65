import { ApplicationFailure, TemporalFailure } from '@temporalio/common';
import { isRetryableToolError, ToolErrorCode } from '@ordo/core';

/**
 * The one way a tool fails: an `ApplicationFailure` whose `type` is the code, so the
 * job workflow can tell a bad input (stop now) from a transient fault (retry).
 */
export function toolFailure(code: ToolErrorCode, message: string, cause?: Error): ApplicationFailure {
  return ApplicationFailure.create({
    type: code,
    message,
    nonRetryable: !isRetryableToolError(code),
    ...(cause !== undefined && { cause }),
  });
}

/** Whether `err` already is a tool failure, carrying one of our codes. */
export function isToolFailure(err: unknown): err is ApplicationFailure {
  return err instanceof ApplicationFailure && ToolErrorCode.safeParse(err.type).success;
}

/**
 * Turns whatever a tool threw into something the workflow can act on. Temporal's own
 * failures (cancellation above all) pass through untouched so Temporal sees them as such;
 * anything unexpected becomes a retryable TOOL_FAILED, since we cannot tell it is permanent.
 */
export function asToolFailure(err: unknown, toolId: string): Error {
  if (isToolFailure(err) || err instanceof TemporalFailure) return err;
  const error = err instanceof Error ? err : new Error(String(err));
  return toolFailure('TOOL_FAILED', `Tool '${toolId}' failed: ${error.message}`, error);
}
