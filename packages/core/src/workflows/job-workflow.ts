import {
  ActivityFailure,
  ApplicationFailure,
  defineQuery,
  log,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { JobStateUpdate, JobStoreActivities, ToolActivities } from '../model/activity-contract';
import { isRetryableToolError, JobErrorCode, ToolErrorCode } from '../model/error-codes';
import type { ExecutionState, StepExecutionResult } from '../model/execution-state';
import type { StepRuntime } from '../model/job';
import { JobWorkflowInput } from '../model/job-workflow-input';
import { applyOutputMappings, resolveParameters } from '../model/mappings';
import type { SchemaValue } from '../model/schema-value';
import type { JobStatus } from '../model/status';
import type { ToolStep } from '../model/step';
import { declaredVariables, orderedSteps } from '../model/workflow-definition';
import { OrdoJobStatus } from '../search-attributes';
import { EXECUTION_STATE_QUERY } from '../workflow-names';

/** Live state of a job: answered from workflow memory, so polling it never grows the history. */
export const executionStateQuery = defineQuery<ExecutionState>(EXECUTION_STATE_QUERY);

/** What a finished job workflow returns: the same record it persisted. */
export type JobWorkflowResult = JobStateUpdate;

const DEFAULT_STEP_TIMEOUT_SECONDS = 300;

// Retrying covers transient failures (a worker crash, a flaky dependency); tool errors
// that cannot succeed on a second try are listed so Temporal stops at once.
const NON_RETRYABLE_TOOL_ERRORS = ToolErrorCode.options.filter((code) => !isRetryableToolError(code));

// Persisting the job's state must eventually succeed, so it retries without limit:
// the store being briefly locked or down must not lose a finished job's outputs.
const store = proxyActivities<JobStoreActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
  summary: 'Persist job state',
});

/**
 * One Ordo job: interprets the job's step list in `sequence_number` order, runs each
 * tool step as the activity named by its `tool_id`, and keeps the job's variables.
 * Deterministic by construction: every input arrives in the start arguments and all
 * I/O happens in activities.
 */
export async function jobWorkflow(rawInput: JobWorkflowInput): Promise<JobWorkflowResult> {
  const parsed = JobWorkflowInput.safeParse(rawInput);
  if (!parsed.success) {
    throw ApplicationFailure.nonRetryable(`Invalid job workflow input: ${parsed.error.message}`, JobErrorCode.enum.INVALID_WORKFLOW_INPUT);
  }
  const input = parsed.data;
  const steps = orderedSteps(input.steps);
  const declared = declaredVariables(input);
  const variables: Record<string, SchemaValue> = { ...input.input_values };
  const outputData: Record<string, SchemaValue> = {};
  const stepResults: StepExecutionResult[] = [];
  const runtime: StepRuntime[] = steps.map((s) => ({ step_id: s.step_id, status: 'PENDING' }));

  let status: JobStatus = 'RUNNING';
  let currentStepIndex = 0;
  let liveOutput = 'Starting';
  let errorMessage: string | undefined;
  const startedAt = new Date().toISOString();

  setHandler(executionStateQuery, () => ({
    status,
    current_step_index: currentStepIndex,
    total_steps: steps.length,
    is_paused: false,
    live_output: liveOutput,
    variables: { ...variables },
    step_results: stepResults.map((r) => ({ ...r })),
  }));

  const snapshot = (completedAt?: string): JobStateUpdate => ({
    job_id: input.job_id,
    status,
    started_at: startedAt,
    ...(completedAt !== undefined && { completed_at: completedAt }),
    execution_progress: { current_step: currentStepIndex, total_steps: steps.length, is_paused: false },
    live_output: liveOutput,
    output_data: { ...outputData },
    ...(errorMessage !== undefined && { error_message: errorMessage }),
    steps: runtime.map((r) => ({ ...r })),
  });

  const setLiveOutput = (message: string): void => {
    liveOutput = message;
    // Shown as "current details" in the Web UI; it is workflow metadata, not a history event.
    setCurrentDetails(message);
  };

  upsertSearchAttributes([{ key: OrdoJobStatus, value: status }]);
  await store.recordJobState(snapshot());

  for (const [index, step] of steps.entries()) {
    currentStepIndex = index;
    const label = step.name ?? step.tool.name;
    setLiveOutput(`Running step ${index + 1} of ${steps.length}: ${label}`);
    const result = await runToolStep(step, resolveParameters(step.parameter_mappings, variables, declared));
    const stepRuntime = runtime[index];
    if (stepRuntime) Object.assign(stepRuntime, result.runtime);
    stepResults.push(result.result);
    if (!result.result.success) {
      status = 'FAILED';
      errorMessage = result.result.error;
      setLiveOutput(`Step ${step.step_id} failed: ${errorMessage ?? 'unknown error'}`);
      break;
    }
    Object.assign(variables, result.written);
    Object.assign(outputData, result.written);
  }

  if (status === 'RUNNING') {
    status = 'COMPLETED';
    setLiveOutput(`Completed ${steps.length} of ${steps.length} steps`);
  }
  upsertSearchAttributes([{ key: OrdoJobStatus, value: status }]);
  const final = snapshot(new Date().toISOString());
  await store.recordJobState(final);
  log.info('Job finished', { job_id: input.job_id, status });

  if (status === 'FAILED') {
    // The run fails too, so the Web UI, the CLI and a parent workflow all see the failure.
    throw ApplicationFailure.nonRetryable(errorMessage ?? 'Job failed', JobErrorCode.enum.JOB_FAILED, final);
  }
  return final;
}

interface StepOutcome {
  result: StepExecutionResult;
  runtime: Partial<StepRuntime>;
  written: Record<string, SchemaValue>;
}

async function runToolStep(step: ToolStep, params: Record<string, SchemaValue>): Promise<StepOutcome> {
  const startedAt = new Date().toISOString();
  const retry = step.retry_policy;
  const tools = proxyActivities<ToolActivities>({
    startToCloseTimeout: `${step.timeout_seconds ?? DEFAULT_STEP_TIMEOUT_SECONDS} seconds`,
    retry: {
      maximumAttempts: retry?.maximum_attempts ?? 3,
      initialInterval: retry?.initial_interval_ms ?? 1000,
      backoffCoefficient: retry?.backoff_coefficient ?? 2,
      maximumInterval: retry?.maximum_interval_ms ?? 30_000,
      nonRetryableErrorTypes: NON_RETRYABLE_TOOL_ERRORS,
    },
    summary: `${step.step_id}: ${step.name ?? step.tool.name}`,
  });
  const tool = tools[step.tool.tool_id];
  const failed = (error: string): StepOutcome => {
    const completedAt = new Date().toISOString();
    return {
      result: { step_id: step.step_id, success: false, error, outputs: {}, started_at: startedAt, completed_at: completedAt },
      runtime: { status: 'FAILED', error_message: error, started_at: startedAt, completed_at: completedAt },
      written: {},
    };
  };
  if (!tool) return failed(`Unknown tool '${step.tool.tool_id}'`);

  let outputs: Record<string, SchemaValue>;
  try {
    outputs = await tool(params);
  } catch (err) {
    return failed(failureMessage(err));
  }
  const mapped = applyOutputMappings(step.output_mappings, outputs);
  if (!mapped.ok) {
    return failed(`Tool '${step.tool.tool_id}' returned no output named ${mapped.missing.map((m) => `'${m}'`).join(', ')}`);
  }
  const completedAt = new Date().toISOString();
  return {
    result: { step_id: step.step_id, success: true, outputs, started_at: startedAt, completed_at: completedAt },
    runtime: { status: 'COMPLETED', output_data: outputs, started_at: startedAt, completed_at: completedAt },
    written: mapped.written,
  };
}

/** The tool's own message, not Temporal's wrapper around it. */
function failureMessage(err: unknown): string {
  if (err instanceof ActivityFailure && err.cause instanceof ApplicationFailure) return err.cause.message;
  if (err instanceof ActivityFailure && err.cause) return err.cause.message;
  return err instanceof Error ? err.message : String(err);
}
