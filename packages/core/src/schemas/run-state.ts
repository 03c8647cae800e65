import { z } from 'zod';
import { Variables } from './schema-value';

/**
 * A job run's status: seed 001's `WorkflowRuntimeStatus` (docs/contract.md), word for word. It is the one
 * status the run state holds; seed 002's job status is a projection of it (`jobStatusOf`).
 */
export const RunStatus = z.enum(['NotStarted', 'InProgress', 'Completed', 'Failed', 'Cancelled']);
export type RunStatus = z.infer<typeof RunStatus>;

/** A step's status within a run: seed 001's `WorkflowRuntimeStepStatus`, word for word. */
export const StepRunStatus = z.enum(['NotStarted', 'InProgress', 'Completed', 'Disabled', 'Failed']);
export type StepRunStatus = z.infer<typeof StepRunStatus>;

/** Why a run or a step failed: a stable code and a sentence for people. */
export const RunError = z.object({
  code: z.string(),
  message: z.string(),
});
export type RunError = z.infer<typeof RunError>;

/** One step of one run: everything the Job, executionState and runtime views show of it. */
export const StepRun = z.object({
  index: z.number().int().nonnegative(),
  step_id: z.string(),
  /** The step's `type` (`tool`, `sys.sub_workflow`, …). */
  type: z.string(),
  status: StepRunStatus,
  /** Attempts made so far (1-based while running; 0 before the first). */
  attempt: z.number().int().nonnegative(),
  /** Attempts the step may make at most, when its retry policy bounds them. */
  max_attempts: z.number().int().positive().optional(),
  started_at: z.string().optional(),
  completed_at: z.string().optional(),
  failed_at: z.string().optional(),
  due_at: z.string().optional(),
  /** What the step produced (a tool's outputs by name); large values are `ValueRef`s. */
  outputs: Variables.optional(),
  error: RunError.optional(),
  /** The last progress message of the running attempt. */
  progress: z.string().optional(),
  /** How far the running attempt has got (0 to 1), when its last progress report said. */
  progress_fraction: z.number().min(0).max(1).optional(),
  /** Child job executions the step started (sub-workflow steps). */
  children: z.array(z.object({ id: z.string() })).optional(),
  /** Why the step is Disabled, or the run this step's outputs were reused from. */
  note: z.string().optional(),
  /** Set when a retry reused this step's outputs from an earlier run instead of running it. */
  reused_from_run: z.string().optional(),
});
export type StepRun = z.infer<typeof StepRun>;

/**
 * The state of one job run: the single source from which seed 000's executionState,
 * seed 002's Job and seed 001's runtime execution are projected. The job workflow holds
 * it, answers it through the `executionState` query's projection, and persists it through
 * activities; nothing else writes it once the run has started.
 */
export const RunState = z.object({
  job_id: z.string(),
  /** The first Temporal run ID of this job run (stable across continue-as-new). */
  run_id: z.string(),
  workflow_id: z.string(),
  workflow_version: z.number().int().positive(),
  correlation_id: z.string(),
  context: z.record(z.string(), z.unknown()),
  parent_job_id: z.string().optional(),
  root_job_id: z.string().optional(),
  status: RunStatus,
  started_at: z.string(),
  completed_at: z.string().optional(),
  failed_at: z.string().optional(),
  last_activity_at: z.string().optional(),
  /** Index of the step running now, or of the last step reached. */
  current_step_index: z.number().int().nonnegative(),
  total_steps: z.number().int().nonnegative(),
  /** A pause was requested and not yet resumed; steps do not start while it holds. */
  paused: z.boolean(),
  live_output: z.string(),
  /** Job variables: input values and every output mapped so far. */
  variables: Variables,
  /** The run's result, once it completed: the job's `output_data`. */
  output_data: Variables.optional(),
  error: RunError.optional(),
  steps: z.array(StepRun),
});
export type RunState = z.infer<typeof RunState>;
