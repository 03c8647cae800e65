import type { JobRecord } from '../schemas/job';
import type { RunHeader } from '../schemas/run-store-contract';
import type { RunState, StepRun } from '../schemas/run-state';
import { stepTypeOf } from '../steps';

/**
 * A run's state as persisted: the header its workflow last recorded, with the step rows
 * its activities and its workflow recorded since. Steps with no row have not started.
 * While the run is in progress the rows may be ahead of the header (a tool activity
 * records its attempts and progress as they happen), so the current step and the live
 * message follow the furthest step that has begun: a stored view never goes backwards.
 */
export function storedRunState(job: Pick<JobRecord, 'steps'>, header: RunHeader, rows: readonly StepRun[]): RunState {
  const byIndex = new Map(rows.map((row) => [row.index, row]));
  const steps: StepRun[] = job.steps.map(
    (definition, index) =>
      byIndex.get(index) ?? {
        index,
        step_id: definition.step_id,
        type: definition.type,
        status: 'NotStarted',
        attempt: 0,
      },
  );
  const run: RunState = { ...header, steps };
  if (run.status !== 'InProgress') return run;
  const furthest = rows
    .filter((r) => r.status !== 'NotStarted' && r.reused_from_run === undefined)
    .reduce((max, r) => Math.max(max, r.index), -1);
  if (furthest > run.current_step_index || (furthest === run.current_step_index && !run.paused)) {
    const definition = job.steps[furthest];
    const step = steps[furthest];
    if (definition && step) {
      run.current_step_index = furthest;
      const label = definition.name ?? stepTypeOf(definition).label(definition);
      run.live_output =
        step.status === 'InProgress' ? `Running step ${furthest + 1} of ${run.total_steps}: ${label}` : run.live_output;
    }
  }
  return run;
}
