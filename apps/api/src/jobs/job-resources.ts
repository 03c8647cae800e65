import { toolRefsOf, type JobLinks, type JobRecord, type ToolRunDefaults } from '@ordo/core';
import type { AppDeps } from '../deps';
import { DEFAULT_TEMPORAL_UI_URL, jobLinksOf } from '../temporal-ui';

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
  /** A job's `links`: its current run (`run_id`, none before its first start) in the Temporal Web UI. */
  linksOf(job: Pick<JobRecord, 'job_id' | 'run_id'>): JobLinks;
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
    linksOf: (job) =>
      jobLinksOf(
        deps.temporalUiUrl ?? DEFAULT_TEMPORAL_UI_URL,
        deps.temporal.client.options.namespace,
        job.job_id,
        job.run_id,
      ),
    timestamp: () => (deps.now?.() ?? new Date()).toISOString(),
  };
}
