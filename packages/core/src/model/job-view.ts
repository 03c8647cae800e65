import type { ExecutionState, StepExecutionResult } from './execution-state';
import type { Job, JobStep } from './job';
import { isTerminalJobStatus } from './status';

/**
 * The execution state of a job from its stored record: what `executionState` answers
 * for a job that has not started or has finished, when no workflow needs asking.
 */
export function executionStateFromJob(job: Job): ExecutionState {
  const stepResults: StepExecutionResult[] = job.steps
    .filter((s) => s.started_at !== undefined && (s.status === 'COMPLETED' || s.status === 'FAILED'))
    .map((s) => ({
      step_id: s.step_id,
      success: s.status === 'COMPLETED',
      ...(s.error_message !== undefined && { error: s.error_message }),
      outputs: s.output_data ?? {},
      started_at: s.started_at ?? job.created_at,
      ...(s.completed_at !== undefined && { completed_at: s.completed_at }),
    }));
  return {
    status: job.status,
    current_step_index: job.execution_progress.current_step,
    total_steps: job.steps.length,
    is_paused: job.execution_progress.is_paused,
    live_output: job.live_output,
    variables: { ...job.input_values, ...job.output_data },
    step_results: stepResults,
  };
}

/**
 * A running job as the API shows it: the stored record overlaid with the live state
 * the workflow answers, so steps, progress and outputs move while the job runs.
 */
export function applyExecutionState(job: Job, state: ExecutionState): Job {
  const results = new Map(state.step_results.map((r) => [r.step_id, r]));
  const steps = job.steps.map((step, index): JobStep => {
    const result = results.get(step.step_id);
    if (result) {
      return {
        ...step,
        status: result.success ? 'COMPLETED' : 'FAILED',
        output_data: result.outputs,
        started_at: result.started_at,
        ...(result.completed_at !== undefined && { completed_at: result.completed_at }),
        ...(result.error !== undefined && { error_message: result.error }),
      };
    }
    if (state.status === 'RUNNING' && index === state.current_step_index) return { ...step, status: 'RUNNING' };
    return step;
  });
  const inputIds = new Set(job.input_variables.map((v) => v.variable_id));
  const outputData = Object.fromEntries(Object.entries(state.variables).filter(([name]) => !inputIds.has(name)));
  const lastError = [...state.step_results].reverse().find((r) => !r.success)?.error;
  return {
    ...job,
    // A job is COMPLETED or FAILED once the workflow has persisted that, with its
    // completion time and outputs; until then the store's RUNNING stands.
    status: isTerminalJobStatus(state.status) ? job.status : state.status,
    steps,
    execution_progress: { current_step: state.current_step_index, total_steps: state.total_steps, is_paused: state.is_paused },
    live_output: state.live_output,
    output_data: outputData,
    ...(lastError !== undefined && { error_message: lastError }),
  };
}
