import { toolRefsOf, type JobRecord, type ToolRunDefaults } from '@ordo/core';
import type { AppDeps } from '../deps';

/** How long cancel, reset and a start after a reset wait for a run to close before answering. */
export const CLOSE_WAIT_MS = 15_000;

/**
 * What every job system shares (in the spirit of a run engine's systems sharing one
 * resources object): the store, the Temporal client and task queue, the clock, and the run
 * defaults of the tool versions a job's steps pin. Built once per app, handed to each system.
 */
export interface JobResources extends Pick<AppDeps, 'store' | 'temporal' | 'now'> {
  /** Run defaults of the tool versions `steps` pin, by `toolKey`: what a prepared start hands the run. */
  toolDefaults(steps: JobRecord['steps']): Promise<Readonly<Record<string, ToolRunDefaults>>>;
  /** Now, as the timestamps the store keeps (the clock of `now`, else the system's). */
  timestamp(): string;
}

/** The job systems' resources for an app's dependencies. */
export function jobResourcesOf(deps: AppDeps): JobResources {
  return {
    store: deps.store,
    temporal: deps.temporal,
    ...(deps.now !== undefined && { now: deps.now }),
    toolDefaults: (steps) => deps.store.tools.runDefaults(toolRefsOf(steps)),
    timestamp: () => (deps.now?.() ?? new Date()).toISOString(),
  };
}
