import type { JobLinks } from '@ordo/core';

/** The Web UI of the Temporal dev server (`temporal server start-dev`, `./ordo dev`). */
export const DEFAULT_TEMPORAL_UI_URL = 'http://localhost:8233';

/**
 * The links of a job: its current run in the Temporal Web UI at `baseUrl` (the job's
 * workflow ID is its `job_id`; its run, the first execution of the run's chain). A job that
 * never ran has no workflow to show yet.
 */
export function jobLinksOf(baseUrl: string, namespace: string, jobId: string, runId: string | undefined): JobLinks {
  if (runId === undefined) return { temporal_ui: null };
  const segments = [namespace, jobId, runId].map(encodeURIComponent);
  return {
    temporal_ui: `${baseUrl.replace(/\/+$/, '')}/namespaces/${segments[0]}/workflows/${segments[1]}/${segments[2]}/history`,
  };
}
