import type { StepAddress, ToolOutputs, ToolParams } from '@ordo/core';
import type { WatchAttempt } from './attempt-watcher';

/** One call of a tool: the step it works for (to log and correlate) and its parameters; values over the inline limit arrive as `ValueRef`s. */
export interface ToolCall {
  step: StepAddress;
  params: ToolParams;
}

/** What a tool call returns: the tool's outputs (large values as references) and the attempt that produced them. */
export interface ToolCallResult {
  outputs: ToolOutputs;
  /** The attempt that ran the tool: an earlier one than Temporal's when a watcher answered an earlier attempt's result. */
  attempt: number;
}

/**
 * One tool as an activity. Registered with Temporal it takes the call alone; a wrapper (the
 * worker's, which records the step) calls it with a `watch` too, to follow the attempt.
 */
export type ToolActivity = (call: ToolCall, watch?: WatchAttempt) => Promise<ToolCallResult>;
