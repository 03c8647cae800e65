import type { ProgressDetails } from './progress';
import type { ToolCallResult } from './tool-call';
import type { ToolLogger } from './tool-definition';

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
