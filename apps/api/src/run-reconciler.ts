import { runEndedOutside, type RunState } from '@ordo/core';
import type { StoredJob } from '@ordo/storage';
import type { AppDeps } from './deps';
import { chainStateOf } from './job-runs';

/**
 * What reconciling a job's stored run with Temporal found: the run's chain is still open
 * (or Temporal could not tell), or it had closed without recording its ending and the store
 * now says how it ended (`ended`; also when another process wrote that ending first).
 */
export type ReconcileOutcome = 'open' | 'ended' | 'unknown';

/**
 * Ends in the store a run whose Temporal executions closed without it recording its
 * ending: terminated, timed out, or failed where the workflow could not write. A started
 * job's workflow is the only writer of its run, and a closed workflow writes no more: this
 * is the one exception. The ending (`runEndedOutside`) is one conditional write fenced by the
 * run's ID and by the stored run still being in progress, so a run that recorded its own
 * ending meanwhile, or a job reset meanwhile, keeps what it has.
 */
export async function endRunIfClosed(
  deps: Pick<AppDeps, 'store' | 'temporal' | 'now'>,
  stored: StoredJob,
): Promise<ReconcileOutcome> {
  const run = stored.run;
  if (!run || run.status !== 'InProgress') return 'ended';
  const chain = await chainStateOf(deps.temporal.client, stored.job.job_id, run.run_id);
  if (chain.state !== 'closed') return chain.state;
  if (chain.ending === undefined) return 'unknown';
  const at = (deps.now?.() ?? new Date()).toISOString();
  const ended = structuredClone<RunState>(run);
  runEndedOutside(ended, chain.ending, stored.job.output_variables, at);
  const { steps, ...header } = ended;
  const result = await deps.store.jobs.endRunOutside(
    { header, steps: steps.filter((step, i) => step.status !== run.steps[i]?.status) },
    at,
  );
  if (result.ok) return 'ended';
  switch (result.code) {
    case 'RUN_ENDED':
    case 'RUN_NOT_CURRENT':
      // Someone else moved the job on (its ending recorded by another process, a reset): read it again.
      return 'ended';
    case 'JOB_NOT_FOUND':
      return 'unknown';
  }
}
