import type { StepAddress, ToolOutputs, ToolParams } from '@ordo/core';
import type { ProgressDetails } from '@ordo/tool-kit';
import type { ToolLogger } from './tool-definition';

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

/**
 * Follows one attempt of a tool from outside the tool kit: the worker records it in the
 * job's state. The tool kit only says when the tool is about to run and what progress it
 * reports; what a watcher does with that is its own business.
 */
export interface AttemptWatcher {
  /**
   * Right before the tool runs, its parameters resolved and checked (as late as it can be):
   * a result an earlier attempt produced, to return instead of running the tool again, or undefined.
   */
  beforeRun(): Promise<ToolCallResult | undefined>;
  /** The tool's latest progress, at most once per `recordIntervalMs` (heartbeats are the tool kit's own). */
  progress(details: ProgressDetails): void;
}

/**
 * Called as an attempt begins (before its parameters are read) with the attempt's number
 * and its logger (tagged with the tool, step and attempt); answers the attempt's watcher.
 */
export type WatchAttempt = (attempt: { attempt: number; log: ToolLogger }) => AttemptWatcher;
