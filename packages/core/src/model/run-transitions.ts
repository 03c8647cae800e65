import type { JobRecord } from '../schemas/job';
import type { RunHeader, RunStart } from '../schemas/run-store-contract';
import type { RunError, RunState, RunStatus, StepRun } from '../schemas/run-state';
import type { Variables } from '../schemas/schema-value';

/** The message a cancelled job shows (seed 002 §4, docs/contract.md). */
export const CANCELLED_MESSAGE = 'Job cancelled by user';

/** Whether a run can change no more. */
export function isFinishedRun(status: RunStatus): boolean {
  switch (status) {
    case 'Completed':
    case 'Failed':
    case 'Cancelled':
      return true;
    case 'NotStarted':
    case 'InProgress':
      return false;
  }
}

/**
 * The ways a run state changes, as plain functions over the state object. The job
 * workflow is their only caller at run time; keeping them pure keeps every transition
 * testable without a Temporal server and identical on replay.
 */

/** The state of a run that has just begun: every step NotStarted except those a retry reuses. */
export function beginRunState(start: RunStart): RunState {
  const reused = new Map(start.reused.map((s) => [s.index, s]));
  const steps: StepRun[] = [];
  for (let index = 0; index < start.total_steps; index++) {
    const done = reused.get(index);
    if (done) {
      steps.push(done);
    } else {
      const definition = index >= start.first.from ? start.first.steps[index - start.first.from] : undefined;
      steps.push({
        index,
        step_id: definition?.step_id ?? '',
        type: definition?.type ?? 'tool',
        status: 'NotStarted',
        attempt: 0,
      });
    }
  }
  return { ...initialRunHeader(start, start.run_id, start.started_at), steps };
}

/**
 * The fields that name a job and its lineage: what a run's header, and every view of a run,
 * carries of the job it runs. One list, so the header and the views cannot drift apart.
 */
export type JobIdentityKey =
  'job_id' | 'workflow_id' | 'workflow_version' | 'correlation_id' | 'context' | 'parent_job_id' | 'root_job_id';

/** What a run's header is made from: a run's start, or a job as stored (see `runHeaderSource`). */
export type RunHeaderSource = Pick<RunStart, JobIdentityKey | 'total_steps' | 'variables'>;

/** A stored job as the source of its run's header: its inputs are the variables a run begins with. */
export function runHeaderSource(job: Pick<JobRecord, JobIdentityKey | 'steps' | 'input_values'>): RunHeaderSource {
  return { ...job, total_steps: job.steps.length, variables: job.input_values };
}

/** What a run carries of its job's identity and lineage: its workflow version, correlation, context, parent and root. */
export function runLineageOf(source: Pick<RunHeaderSource, Exclude<JobIdentityKey, 'job_id'>>) {
  return {
    workflow_id: source.workflow_id,
    workflow_version: source.workflow_version,
    correlation_id: source.correlation_id,
    context: source.context,
    ...(source.parent_job_id !== undefined && { parent_job_id: source.parent_job_id }),
    ...(source.root_job_id !== undefined && { root_job_id: source.root_job_id }),
  };
}

/**
 * The header of a run that has begun and done nothing yet: what the run state starts
 * from, and what a job shows from the moment it is started until its workflow's first record.
 */
export function initialRunHeader(source: RunHeaderSource, runId: string, startedAt: string): RunHeader {
  return {
    job_id: source.job_id,
    run_id: runId,
    ...runLineageOf(source),
    status: 'InProgress',
    started_at: startedAt,
    last_activity_at: startedAt,
    current_step_index: 0,
    total_steps: source.total_steps,
    paused: false,
    live_output: 'Starting',
    variables: { ...source.variables },
  };
}

/** Fills in the ids of steps loaded after the run began. */
export function describeLoadedSteps(
  run: RunState,
  from: number,
  steps: readonly { step_id: string; type: string }[],
): void {
  steps.forEach((definition, offset) => {
    const step = run.steps[from + offset];
    if (step && step.status === 'NotStarted') {
      step.step_id = definition.step_id;
      step.type = definition.type;
    }
  });
}

function stepAt(run: RunState, index: number): StepRun {
  const step = run.steps[index];
  if (!step) throw new RangeError(`run ${run.run_id} has no step ${index}`);
  return step;
}

/** A step is about to run. */
export function stepStarted(run: RunState, index: number, label: string, at: string): void {
  const step = stepAt(run, index);
  step.status = 'InProgress';
  step.started_at = at;
  run.current_step_index = index;
  run.last_activity_at = at;
  run.live_output = `Running step ${index + 1} of ${run.total_steps}: ${label}`;
}

/** A step finished with outputs; the variables it wrote join the job's. */
export function stepCompleted(
  run: RunState,
  index: number,
  outcome: { outputs: Variables; written: Variables; attempt?: number | undefined },
  at: string,
): void {
  const step = stepAt(run, index);
  step.status = 'Completed';
  step.outputs = outcome.outputs;
  step.completed_at = at;
  if (outcome.attempt !== undefined) step.attempt = outcome.attempt;
  delete step.progress;
  delete step.progress_fraction;
  delete step.error;
  headerAfterStep(run, outcome.written, at);
}

/** What a completed step changes in the run's header. */
function headerAfterStep(run: RunHeader, written: Variables, at: string): void {
  Object.assign(run.variables, written);
  run.last_activity_at = at;
}

/**
 * A step's activation policy turned it off: it never runs, and `note` records why (the
 * policy and the value its expression gave).
 */
export function stepDisabled(run: RunState, index: number, note: string, at: string): void {
  const step = stepAt(run, index);
  step.status = 'Disabled';
  step.note = note;
  run.current_step_index = index;
  run.last_activity_at = at;
}

/**
 * The header of a run whose last step has just completed, writing `written`, at `at`:
 * exactly what `stepCompleted` and then `runCompleted` make of `header`. The activity of a
 * run's last step records it, so the run's ending needs no write of the workflow's own.
 */
export function completedRunHeader(
  header: RunHeader,
  written: Variables,
  outputVariables: readonly string[],
  at: string,
): RunHeader {
  const run: RunHeader = { ...header, variables: { ...header.variables } };
  headerAfterStep(run, written, at);
  runCompleted(run, outputVariables, at);
  return run;
}

/** A step failed; the run fails with it. */
export function stepFailed(
  run: RunState,
  index: number,
  error: RunError,
  attempt: number | undefined,
  at: string,
): void {
  const step = stepAt(run, index);
  step.status = 'Failed';
  step.error = error;
  step.completed_at = at;
  step.failed_at = at;
  if (attempt !== undefined) step.attempt = attempt;
  delete step.progress;
  delete step.progress_fraction;
  run.last_activity_at = at;
}

/** A pause was requested (takes effect at the next step boundary) or lifted. */
export function setPaused(run: RunState, paused: boolean, at: string): void {
  run.paused = paused;
  run.last_activity_at = at;
}

/** The live message while the run waits at a step boundary because it is paused. */
export function pausedAt(run: RunState, index: number): void {
  run.current_step_index = index;
  run.live_output = `Paused before step ${index + 1} of ${run.total_steps}`;
}

/** The run completed every step: its outputs are the output rule's variables. */
export function runCompleted(run: RunHeader, outputVariables: readonly string[], at: string): void {
  endRun(run, 'Completed', undefined, `Completed ${run.total_steps} of ${run.total_steps} steps`, outputVariables, at);
}

/** A step failed: the run failed, keeping the outputs of the steps that completed. */
export function runFailed(
  run: RunState,
  index: number,
  error: RunError,
  outputVariables: readonly string[],
  at: string,
): void {
  endRun(
    run,
    'Failed',
    error,
    `Step ${run.steps[index]?.step_id ?? index + 1} failed: ${error.message}`,
    outputVariables,
    at,
  );
}

/** The run was cancelled: the running step fails, the job fails with "Job cancelled by user" (seed 002 §4). */
export function runCancelled(run: RunState, outputVariables: readonly string[], at: string): void {
  const error: RunError = { code: 'CANCELLED', message: CANCELLED_MESSAGE };
  for (const step of run.steps) {
    if (step.status === 'InProgress') {
      step.status = 'Failed';
      step.error = error;
      step.completed_at = at;
      step.failed_at = at;
      delete step.progress;
      delete step.progress_fraction;
    }
  }
  endRun(run, 'Cancelled', error, CANCELLED_MESSAGE, outputVariables, at);
}

/**
 * How a run's Temporal executions closed without the run recording its ending: terminated
 * (`temporal workflow terminate`, the Web UI), past its execution timeout, or failed in a
 * way the workflow could not record.
 */
export type OutsideEnding =
  { kind: 'terminated'; reason: string } | { kind: 'timed_out' } | { kind: 'failed'; reason: string };

/** The error a run ended outside Ordo fails with: a code and the message the job shows. */
export function outsideEndingError(ending: OutsideEnding): RunError {
  switch (ending.kind) {
    case 'terminated':
      return {
        code: 'RUN_TERMINATED',
        message: `The run was terminated in Temporal${ending.reason === '' ? '' : `: ${ending.reason}`}`,
      };
    case 'timed_out':
      return { code: 'RUN_TIMED_OUT', message: 'The run timed out in Temporal' };
    case 'failed':
      return {
        code: 'RUN_FAILED',
        message: `The run failed in Temporal${ending.reason === '' ? '' : `: ${ending.reason}`}`,
      };
  }
}

/**
 * The run's executions closed in Temporal without its ending recorded (see
 * {@link OutsideEnding}): the run fails, and so does the step it was at (each step still
 * running, or else the first that had not begun), with the same error. Applied by whoever
 * notices, never by the workflow, which can no longer run.
 */
export function runEndedOutside(
  run: RunState,
  ending: OutsideEnding,
  outputVariables: readonly string[],
  at: string,
): void {
  const error = outsideEndingError(ending);
  const running = run.steps.filter((step) => step.status === 'InProgress');
  const first = run.steps.find((step) => step.status === 'NotStarted');
  for (const step of running.length > 0 ? running : first ? [first] : []) {
    step.status = 'Failed';
    step.error = error;
    step.completed_at = at;
    step.failed_at = at;
    delete step.progress;
    delete step.progress_fraction;
    run.current_step_index = step.index;
  }
  endRun(run, 'Failed', error, error.message, outputVariables, at);
}

/** What every ending sets: the status, its times, the outputs the output rule picks, the last message. */
function endRun(
  run: RunHeader,
  status: 'Completed' | 'Failed' | 'Cancelled',
  error: RunError | undefined,
  liveOutput: string,
  outputVariables: readonly string[],
  at: string,
): void {
  run.status = status;
  if (error !== undefined) {
    run.error = error;
    run.failed_at = at;
  }
  run.completed_at = at;
  run.paused = false;
  run.output_data = pickVariables(run.variables, outputVariables);
  run.live_output = liveOutput;
  run.last_activity_at = at;
}

/** The named variables that have values. */
export function pickVariables(variables: Readonly<Variables>, names: readonly string[]): Variables {
  const out: Variables = {};
  for (const name of names) {
    const value = variables[name];
    if (value !== undefined) out[name] = value;
  }
  return out;
}
