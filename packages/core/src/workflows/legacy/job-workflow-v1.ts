import {
  ActivityFailure,
  ApplicationFailure,
  log,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import { executionStateQuery } from '../../job-workflow-contract';
import { declaredVariables, orderedSteps } from '../../jobs/definition-queries';
import type { StepExecutionResult } from '../../schemas/execution-state';
import { applyOutputMappings } from '../../model/mappings';
import type { ToolParams } from '../../schemas/activity-contract';
import type { SchemaValue, Variables } from '../../schemas/schema-value';
import type { JobStatus } from '../../schemas/status';
import type { InputVariable } from '../../schemas/variable-schema';
import { OrdoJobStatus } from '../../search-attributes';
import type { ToolStep } from '../../schemas/step-definition';

/**
 * The job workflow as it was first released (v1), frozen so that runs recorded before the
 * run-state design still replay (apps/worker/test/histories/seed-analyze-document-*.json)
 * and any still in flight finish the way they began. A v1 run is recognised by its start
 * argument, which carried the whole step list; new runs never take this path. Do not change
 * this file: its commands are what those histories hold.
 */

/** The v1 start argument: everything the run needed, inline (v1 parsed it with zod; the shape is what matters on replay). */
export interface JobWorkflowInputV1 {
  job_id: string;
  workflow_id: string;
  workflow_version: number;
  input_variables: InputVariable[];
  input_values: Variables;
  steps: ToolStep[];
}

/** Whether a start argument is a v1 one. */
export function isV1Input(input: unknown): boolean {
  return typeof input === 'object' && input !== null && 'steps' in input && Array.isArray(input.steps);
}

interface StepRuntimeV1 {
  step_id: string;
  status: JobStatus;
  output_data?: Record<string, SchemaValue>;
  error_message?: string;
  started_at?: string;
  completed_at?: string;
}

/** What v1 persisted at its start and end, through the `recordJobState` activity. */
export interface JobStateUpdateV1 {
  job_id: string;
  status: JobStatus;
  started_at?: string;
  completed_at?: string;
  execution_progress: { current_step: number; total_steps: number; is_paused: boolean };
  live_output: string;
  output_data: Record<string, SchemaValue>;
  error_message?: string;
  steps: StepRuntimeV1[];
}

/** v1's persistence activity. */
export interface JobStoreActivitiesV1 {
  recordJobState(update: JobStateUpdateV1): Promise<void>;
}

type ToolActivitiesV1 = Record<string, (params: Record<string, SchemaValue>) => Promise<Record<string, SchemaValue>>>;

const DEFAULT_STEP_TIMEOUT_SECONDS = 300;
const NON_RETRYABLE_TOOL_ERRORS = [
  'INVALID_PARAMETERS',
  'FILE_NOT_FOUND',
  'UNSUPPORTED_FILE_TYPE',
  'PDF_INVALID',
  'PDF_PASSWORD_PROTECTED',
];

const store = proxyActivities<JobStoreActivitiesV1>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
  summary: 'Persist job state',
});

/** The v1 interpreter, unchanged in the commands it issues. */
export async function jobWorkflowV1(rawInput: unknown): Promise<JobStateUpdateV1> {
  // Only recorded v1 runs reach here (`isV1Input`), and their input was checked when they began.
  const input = rawInput as JobWorkflowInputV1;
  const steps = orderedSteps(input.steps);
  const declared = declaredVariables(input);
  const variables: Record<string, SchemaValue> = { ...input.input_values };
  const outputData: Record<string, SchemaValue> = {};
  const stepResults: StepExecutionResult[] = [];
  const runtime: StepRuntimeV1[] = steps.map((s) => ({ step_id: s.step_id, status: 'PENDING' }));

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

  const snapshot = (completedAt?: string): JobStateUpdateV1 => ({
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
    throw ApplicationFailure.nonRetryable(errorMessage ?? 'Job failed', 'JOB_FAILED', final);
  }
  return final;
}

interface StepOutcomeV1 {
  result: StepExecutionResult;
  runtime: Partial<StepRuntimeV1>;
  written: Record<string, SchemaValue>;
}

async function runToolStep(step: ToolStep, params: Record<string, SchemaValue>): Promise<StepOutcomeV1> {
  const startedAt = new Date().toISOString();
  const retry = step.retry_policy;
  const tools = proxyActivities<ToolActivitiesV1>({
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
  const failed = (error: string): StepOutcomeV1 => {
    const completedAt = new Date().toISOString();
    return {
      result: {
        step_id: step.step_id,
        success: false,
        error,
        outputs: {},
        started_at: startedAt,
        completed_at: completedAt,
      },
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
    return failed(
      `Tool '${step.tool.tool_id}' returned no output named ${mapped.missing.map((m) => `'${m}'`).join(', ')}`,
    );
  }
  const completedAt = new Date().toISOString();
  return {
    result: { step_id: step.step_id, success: true, outputs, started_at: startedAt, completed_at: completedAt },
    runtime: { status: 'COMPLETED', output_data: outputs, started_at: startedAt, completed_at: completedAt },
    written: mapped.written,
  };
}

function failureMessage(err: unknown): string {
  if (err instanceof ActivityFailure && err.cause instanceof ApplicationFailure) return err.cause.message;
  if (err instanceof ActivityFailure && err.cause) return err.cause.message;
  return err instanceof Error ? err.message : String(err);
}

/**
 * v1's parameter resolution, frozen with it: a string naming a declared variable reads it
 * (left out while unset); anything else is a literal. (Value providers came later.)
 */
function resolveParameters(
  mappings: Readonly<Record<string, SchemaValue>>,
  variables: Readonly<Record<string, SchemaValue>>,
  declared: ReadonlySet<string>,
): ToolParams {
  const params: ToolParams = {};
  for (const [name, source] of Object.entries(mappings)) {
    if (typeof source === 'string' && declared.has(source)) {
      const value = variables[source];
      if (value !== undefined) params[name] = value;
    } else {
      params[name] = source;
    }
  }
  return params;
}
