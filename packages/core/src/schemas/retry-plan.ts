import { z } from 'zod';
import type { JobRecord } from './job';
import type { RunState } from './run-state';

/** What a retry of a failed run would do: which steps it reuses and which it runs again. */
export const RetryPlan = z.object({
  /** The failed run whose recorded outputs are reused. */
  run_id: z.string(),
  /** The first step that runs again (0-based position in execution order). */
  from_step_index: z.number().int().nonnegative(),
  from_step_id: z.string(),
  /** Steps whose recorded outputs are reused: they do not run again. */
  reused: z.array(z.string()),
  /** Steps that run again, in order. */
  runs: z.array(z.string()),
});
export type RetryPlan = z.infer<typeof RetryPlan>;

export type RetryPlanResult =
  | { ok: true; plan: RetryPlan }
  | { ok: false; code: 'NOT_FAILED' | 'UNKNOWN_STEP' | 'STEP_AFTER_FAILURE'; message: string };

/**
 * The plan for retrying a failed run from the step that failed, or from `fromStepId` when
 * given: a step at or before the failed one. Every step before the starting point reuses
 * its recorded outputs; the starting point and everything after it run again.
 */
export function retryPlan(job: Pick<JobRecord, 'steps'>, run: RunState, fromStepId?: string): RetryPlanResult {
  if (run.status !== 'Failed' && run.status !== 'Cancelled') {
    return {
      ok: false,
      code: 'NOT_FAILED',
      message: `the job's run is ${run.status}; only a failed or cancelled run can be retried`,
    };
  }
  const failedIndex = run.steps.findIndex((s) => s.status === 'Failed');
  // A run cancelled between steps failed no step: it resumes where it stopped.
  const stopIndex = failedIndex >= 0 ? failedIndex : run.steps.findIndex((s) => s.status === 'NotStarted');
  const lastIndex = stopIndex >= 0 ? stopIndex : run.current_step_index;
  let from = lastIndex;
  if (fromStepId !== undefined) {
    from = job.steps.findIndex((s) => s.step_id === fromStepId);
    if (from < 0) return { ok: false, code: 'UNKNOWN_STEP', message: `the job has no step '${fromStepId}'` };
    if (from > lastIndex) {
      return {
        ok: false,
        code: 'STEP_AFTER_FAILURE',
        message: `step '${fromStepId}' comes after the step the run stopped at ('${job.steps[lastIndex]?.step_id ?? lastIndex}'); a retry can start at that step or an earlier one`,
      };
    }
  }
  const ids = job.steps.map((s) => s.step_id);
  return {
    ok: true,
    plan: {
      run_id: run.run_id,
      from_step_index: from,
      from_step_id: ids[from] ?? '',
      reused: ids.slice(0, from),
      runs: ids.slice(from),
    },
  };
}
