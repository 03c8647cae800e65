import type { ExecutionState, StepExecutionResult } from '../schemas/execution-state';
import type { JobRecord, JobStep, JobView, RunSummary } from '../schemas/job';
import type { RunState, RunStatus, StepRun, StepRunStatus } from '../schemas/run-state';
import type { RuntimeStepExecution, RuntimeWorkflowExecution } from '../schemas/runtime-execution';
import { CANCELLED_MESSAGE, type JobIdentityKey, pickVariables } from './run-transitions';
import type { JobStatus, JobStepStatus } from '../schemas/status';

/**
 * The views of a job run. Each is a pure function of the job's record and its run state,
 * so the Job (seed 002, docs/contract.md), executionState (seed 000) and, later, the runtime execution
 * (seed 001) never disagree: they are the same state, mapped.
 */

/** Seed 002's job status for a run status; a job with no run is PENDING. */
export function jobStatusOf(status: RunStatus | undefined): JobStatus {
  switch (status) {
    case undefined:
    case 'NotStarted':
      return 'PENDING';
    case 'InProgress':
      return 'RUNNING';
    case 'Completed':
      return 'COMPLETED';
    case 'Failed':
    case 'Cancelled':
      return 'FAILED';
  }
}

/** The Job view's step status for a step run status. */
export function jobStepStatusOf(status: StepRunStatus): JobStepStatus {
  switch (status) {
    case 'NotStarted':
      return 'PENDING';
    case 'InProgress':
      return 'RUNNING';
    case 'Completed':
      return 'COMPLETED';
    case 'Failed':
      return 'FAILED';
    case 'Disabled':
      return 'DISABLED';
  }
}

/**
 * The live message of a run: the interpreter's message, with the running step's last
 * progress report and, from the second attempt on, which attempt it is.
 */
export function liveOutputOf(run: RunState): string {
  if (run.status !== 'InProgress') return run.live_output;
  const step = run.steps[run.current_step_index];
  let message = run.live_output;
  if (step?.status === 'InProgress') {
    if (step.progress) message += `: ${step.progress}`;
    if (step.attempt > 1) message += ` (attempt ${step.attempt}${step.max_attempts ? ` of ${step.max_attempts}` : ''})`;
    if (run.paused) message += ' (pausing after this step)';
  }
  return message;
}

/** Seed 000's StepExecutionResult of a step that ran to an end. */
function stepResult(step: StepRun, startedFallback: string): StepExecutionResult | undefined {
  if (step.status !== 'Completed' && step.status !== 'Failed') return undefined;
  return {
    step_id: step.step_id,
    success: step.status === 'Completed',
    ...(step.error !== undefined && { error: step.error.message }),
    outputs: step.outputs ?? {},
    started_at: step.started_at ?? startedFallback,
    ...(step.completed_at !== undefined && { completed_at: step.completed_at }),
  };
}

/** Seed 000's `executionState` of a job: from its run, or for a job not started, from its inputs. */
export function executionStateOf(
  job: Pick<JobRecord, 'steps' | 'input_values'>,
  run: RunState | undefined,
): ExecutionState {
  if (run) return runExecutionState(run);
  return {
    status: 'PENDING',
    current_step_index: 0,
    total_steps: job.steps.length,
    is_paused: false,
    live_output: '',
    variables: { ...job.input_values },
    step_results: [],
  };
}

/** Seed 000's `executionState` of a run. */
export function runExecutionState(run: RunState): ExecutionState {
  return {
    status: jobStatusOf(run.status),
    current_step_index: run.current_step_index,
    total_steps: run.total_steps,
    is_paused: run.paused,
    live_output: liveOutputOf(run),
    variables: { ...run.variables },
    step_results: run.steps.flatMap((s) => stepResult(s, run.started_at) ?? []),
  };
}

/** Seed 002's Job: the stored record with its current run's state, and every run it had. */
export function jobView(
  job: JobRecord,
  run: RunState | undefined,
  runs: readonly RunSummary[],
  options: { stale?: boolean; updated_at?: string } = {},
): JobView {
  const steps: JobStep[] = job.steps.map((definition, index) => {
    const stepRun = run?.steps[index];
    return {
      ...definition,
      job_id: job.job_id,
      sequence_number: index,
      status: stepRun ? jobStepStatusOf(stepRun.status) : 'PENDING',
      attempt: stepRun?.attempt ?? 0,
      ...(stepRun?.max_attempts !== undefined && { max_attempts: stepRun.max_attempts }),
      ...(stepRun?.status === 'InProgress' &&
        stepRun.progress_fraction !== undefined && { progress_fraction: stepRun.progress_fraction }),
      ...(stepRun?.outputs !== undefined && { output_data: stepRun.outputs }),
      ...(stepRun?.error !== undefined && { error_message: stepRun.error.message }),
      ...(stepRun?.started_at !== undefined && { started_at: stepRun.started_at }),
      ...(stepRun?.completed_at !== undefined && { completed_at: stepRun.completed_at }),
      ...(stepRun?.children !== undefined && { child_job_ids: stepRun.children.map((child) => child.id) }),
    };
  });
  const state = executionStateOf(job, run);
  const errorMessage = run?.status === 'Cancelled' ? CANCELLED_MESSAGE : run?.error?.message;
  return {
    job_id: job.job_id,
    workflow_id: job.workflow_id,
    workflow_version: job.workflow_version,
    name: job.name,
    ...(job.description !== undefined && { description: job.description }),
    status: state.status,
    created_at: job.created_at,
    updated_at: laterOf(options.updated_at ?? job.updated_at, run?.last_activity_at),
    ...(run && { started_at: run.started_at }),
    ...(run?.completed_at !== undefined && { completed_at: run.completed_at }),
    input_variables: job.input_variables,
    input_values: job.input_values,
    input_errors: job.input_errors,
    steps,
    execution_progress: {
      current_step: state.current_step_index,
      total_steps: state.total_steps,
      is_paused: state.is_paused,
    },
    live_output: state.live_output,
    // Accumulated outputs while running, the final ones once finished: the output rule's variables either way.
    output_data: run?.output_data ?? (run ? pickVariables(run.variables, job.output_variables) : {}),
    ...(errorMessage !== undefined && { error_message: errorMessage }),
    correlation_id: job.correlation_id,
    context: job.context,
    ...(job.parent_job_id !== undefined && { parent_job_id: job.parent_job_id }),
    ...(job.root_job_id !== undefined && { root_job_id: job.root_job_id }),
    ...(job.schedule_id !== undefined && { schedule_id: job.schedule_id }),
    // The current run's entry is a view of the same run state as everything else here.
    runs: runs.map((summary) =>
      run && summary.run_id === run.run_id ? { ...summary, ...runSummaryOf(run) } : summary,
    ),
    ...(options.stale === true && { stale: true }),
  };
}

/** The run-list entry of a run, from its state. */
export function runSummaryOf(run: RunState): Omit<RunSummary, 'retry_of'> {
  return {
    run_id: run.run_id,
    status: jobStatusOf(run.status),
    ...(run.status === 'Cancelled' && { cancelled: true }),
    started_at: run.started_at,
    ...(run.completed_at !== undefined && { completed_at: run.completed_at }),
  };
}

function laterOf(a: string, b: string | undefined): string {
  return b !== undefined && b > a ? b : a;
}

/** The template version a job runs, as seed 001's `workflowTemplateVersionId`. */
export function templateVersionId(workflowId: string, version: number): string {
  return `${workflowId}@${version}`;
}

/** The execution context of a job: its `context` with its identity; `__context__` in expressions. */
export function executionContextOf(
  source: Pick<RunState, 'job_id' | 'workflow_id' | 'correlation_id' | 'context'>,
): Record<string, unknown> {
  return {
    ...source.context,
    job_id: source.job_id,
    workflow_id: source.workflow_id,
    correlation_id: source.correlation_id,
  };
}

/** Seed 001's runtime record of one step of a run. */
export function runtimeStepOf(runId: string, step: StepRun): RuntimeStepExecution {
  return {
    id: `${runId}:${step.step_id}`,
    type: step.type,
    stepId: step.step_id,
    status: step.status,
    attempt: step.attempt,
    ...(step.started_at !== undefined && { startedAt: step.started_at }),
    ...(step.completed_at !== undefined && { completedAt: step.completed_at }),
    ...(step.failed_at !== undefined && { failedAt: step.failed_at }),
    ...(step.due_at !== undefined && { dueAt: step.due_at }),
    ...(step.outputs !== undefined && { outputData: step.outputs }),
    ...(step.children !== undefined && { childWorkflowExecutions: step.children.map((c) => ({ id: c.id })) }),
  };
}

/**
 * Seed 001's `TRuntimeWorkflowExecution` of a job: from its run, or for a job not started,
 * every step `NotStarted`. The same state as the Job view, mapped (see the table in docs/runtime-model.md).
 */
export function runtimeExecutionOf(
  job: Pick<JobRecord, JobIdentityKey | 'steps'>,
  run: RunState | undefined,
): RuntimeWorkflowExecution {
  const runId = run?.run_id ?? 'pending';
  const stepRuns: StepRun[] =
    run?.steps ??
    job.steps.map((s, index) => ({
      index,
      step_id: s.step_id,
      type: s.type,
      status: 'NotStarted' as const,
      attempt: 0,
    }));
  const steps: Record<string, RuntimeStepExecution> = {};
  for (const step of stepRuns) {
    const view = runtimeStepOf(runId, step);
    steps[view.id] = view;
  }
  return {
    id: job.job_id,
    correlationId: job.correlation_id,
    ...(job.parent_job_id !== undefined && { parentWorkflowExecutionId: job.parent_job_id }),
    ...(job.root_job_id !== undefined && { rootWorkflowExecutionId: job.root_job_id }),
    workflowTemplateVersionId: templateVersionId(job.workflow_id, job.workflow_version),
    runtimeStatus: run?.status ?? 'NotStarted',
    ...(run && { startedAt: run.started_at }),
    ...(run?.completed_at !== undefined && { completedAt: run.completed_at }),
    ...(run?.failed_at !== undefined && { failedAt: run.failed_at }),
    ...(run?.last_activity_at !== undefined && { lastActivityAt: run.last_activity_at }),
    context: executionContextOf(job),
    steps,
  };
}

/** `__steps__` of expressions: each step's runtime record by `stepId`, as seed 001 reads `__steps__.verify.outputData`. */
export function stepsDocumentOf(run: RunState): Record<string, RuntimeStepExecution> {
  const byStepId: Record<string, RuntimeStepExecution> = {};
  for (const step of run.steps) if (step.step_id !== '') byStepId[step.step_id] = runtimeStepOf(run.run_id, step);
  return byStepId;
}

/**
 * The document expressions of a run read: every job variable by name, `__context__`,
 * `__steps__` (each step's runtime record by stepId) and, in a batch, `__each__`.
 * `__context__` and `__steps__` are built when an expression first reads them, so a run of
 * many steps pays for `__steps__` only where an expression uses it.
 */
export function expressionDocumentOf(run: RunState, each?: { item: unknown }): Record<string, unknown> {
  const document: Record<string, unknown> = { ...run.variables };
  let steps: Record<string, RuntimeStepExecution> | undefined;
  let context: Record<string, unknown> | undefined;
  Object.defineProperty(document, '__steps__', { enumerable: true, get: () => (steps ??= stepsDocumentOf(run)) });
  Object.defineProperty(document, '__context__', {
    enumerable: true,
    get: () => (context ??= executionContextOf(run)),
  });
  if (each !== undefined) document.__each__ = each.item;
  return document;
}
