import { z } from 'zod';
import { StepDefinition } from './step-definition';
import { RunState, StepRun } from './run-state';
import { Variables } from './schema-value';
import { RunTool } from './tool-descriptor';

/** Ask to begin a job run: claim the job for this run (PENDING → RUNNING, or a retry of a FAILED one). */
export const BeginRunRequest = z.object({
  job_id: z.string(),
  run_id: z.string(),
  /** The start time the run records (the API's, when the API started it). */
  started_at: z.string(),
  retry: z.object({ run_id: z.string(), from_step_index: z.number().int().nonnegative() }).optional(),
});
export type BeginRunRequest = z.infer<typeof BeginRunRequest>;

/**
 * Ask to create a job and claim it for this run, at once (a run started with the
 * composition input, `ComposedJobInput`): `job_id` is the run's workflow ID; the parent's
 * and root's workflow IDs come from the run's own workflow info.
 */
export const CreateRunRequest = z.object({
  job_id: z.string(),
  run_id: z.string(),
  started_at: z.string(),
  workflow_id: z.string(),
  version: z.number().int().positive().optional(),
  input_values: z.record(z.string(), z.unknown()).optional(),
  context: z.record(z.string(), z.unknown()).optional(),
  name: z.string().optional(),
  correlation_id: z.string().optional(),
  parent_job_id: z.string().optional(),
  root_job_id: z.string().optional(),
  schedule_id: z.string().optional(),
});
export type CreateRunRequest = z.infer<typeof CreateRunRequest>;

/** Why a run could not create its job: the `type` of the failure the run then ends with (a `JobErrorCode`). */
export const CreateRunRefusal = z.enum([
  'WORKFLOW_NOT_FOUND',
  'WORKFLOW_NOT_PUBLISHED',
  'INPUTS_INVALID',
  'JOB_NOT_STARTABLE',
]);
export type CreateRunRefusal = z.infer<typeof CreateRunRefusal>;

/** A slice of a job's steps in execution order, with the run defaults of the tools they use. */
export const StepBatch = z.object({
  /** Index of the first step in the slice. */
  from: z.number().int().nonnegative(),
  steps: z.array(StepDefinition),
  /** Run defaults by `tool_id` of the tools this worker offers; a tool missing here is unknown. */
  tools: z.record(z.string(), RunTool),
});
export type StepBatch = z.infer<typeof StepBatch>;

/** What a run needs to begin; steps beyond the first batch are loaded as the run reaches them. */
export const RunStart = z.object({
  job_id: z.string(),
  run_id: z.string(),
  workflow_id: z.string(),
  workflow_version: z.number().int().positive(),
  name: z.string(),
  correlation_id: z.string(),
  context: z.record(z.string(), z.unknown()),
  parent_job_id: z.string().optional(),
  root_job_id: z.string().optional(),
  started_at: z.string(),
  /** The variables the run begins with: the inputs (unset ones take their defaults) and, for a retry, what its reused steps wrote. */
  variables: Variables,
  /** Every variable the job's definition declares (a mapping naming one reads it). */
  declared: z.array(z.string()),
  /** The variables that make up `output_data`. */
  output_variables: z.array(z.string()),
  total_steps: z.number().int().positive(),
  first: StepBatch,
  /** For a retry: the reused steps' records (Completed, with their outputs), by index. */
  reused: z.array(StepRun),
});
export type RunStart = z.infer<typeof RunStart>;

/**
 * A run's start prepared by whoever starts it (the API, for a job it has just checked),
 * handed to the workflow in its input: what `beginRun` would otherwise read, so the run
 * begins without a read of its own. The job is still PENDING: the run's first write
 * claims it, fenced by `revision` (the job row as it was when the start was prepared), so
 * a job that changed meanwhile is not run with what it no longer holds.
 */
export const PreparedStart = RunStart.omit({ job_id: true, run_id: true, started_at: true, reused: true }).extend({
  revision: z.number().int().nonnegative(),
});
export type PreparedStart = z.infer<typeof PreparedStart>;

/**
 * Claim of a job by a run begun from a prepared start: PENDING (with valid inputs, still at
 * `revision`) becomes RUNNING under `run_id`. Claiming again for the same run answers the same.
 */
export const RunClaim = z.object({
  job_id: z.string(),
  run_id: z.string(),
  started_at: z.string(),
  revision: z.number().int().nonnegative(),
});
export type RunClaim = z.infer<typeof RunClaim>;

/**
 * The result of a claim: refused when the job is gone (`JOB_NOT_FOUND`), changed since the
 * start was prepared (`JOB_CHANGED`, still PENDING), or held by another run or finished
 * (`JOB_NOT_STARTABLE`).
 */
export type RunClaimResult =
  { ok: true } | { ok: false; code: 'JOB_NOT_FOUND' | 'JOB_CHANGED' | 'JOB_NOT_STARTABLE'; message: string };

/** Why a job could not begin this run. */
export const BeginRunRefusal = z.enum(['JOB_NOT_FOUND', 'JOB_NOT_STARTABLE']);
export type BeginRunRefusal = z.infer<typeof BeginRunRefusal>;

export type BeginRunResult = { ok: true; start: RunStart } | { ok: false; code: BeginRunRefusal; message: string };

/** The result of `createRun`: the run's start, or why there is no job to run (the message names the field and the rule). */
export type CreateRunResult = { ok: true; start: RunStart } | { ok: false; code: CreateRunRefusal; message: string };

/** The run-level part of the run state: everything but the steps. */
export const RunHeader = RunState.omit({ steps: true });
export type RunHeader = z.infer<typeof RunHeader>;

/** A write of run state: the header and the step records that changed. */
export const RunRecord = z.object({
  header: RunHeader,
  steps: z.array(StepRun),
  /** A run begun from a prepared start that has not seen its claim confirmed: claim first, then write. */
  claim: RunClaim.optional(),
});
export type RunRecord = z.infer<typeof RunRecord>;

/**
 * What a `recordRun` did: `applied` when the run is (still) the job's current run;
 * `refused` when the record carried a claim the job refused, and nothing was written.
 */
export interface RecordRunResult {
  applied: boolean;
  refused?: string;
}

/** Ask to pick up a run that continued as new, at step `from`. */
export const ResumeRunRequest = z.object({
  job_id: z.string(),
  run_id: z.string(),
  from: z.number().int().nonnegative(),
});
export type ResumeRunRequest = z.infer<typeof ResumeRunRequest>;

/**
 * What a continued run reloads, of a size that does not grow with the steps done: its
 * start as of step `from` (the header's variables, the batch of steps from `from`, no
 * reused steps), its header as recorded when it continued, and the records of the earlier
 * steps that the remaining steps' expressions name through `__steps__` (see
 * `referencedStepIds`), at most `MAX_REFERENCED_BYTES` of them, the latest first.
 */
export type ResumeRunResult =
  { ok: true; start: RunStart; header: RunHeader; referenced: StepRun[] } | { ok: false; message: string };

/**
 * Activities through which the job workflow reads its job and persists its run. The
 * workflow runs them as local activities: they touch only Ordo's own database, and a
 * local activity leaves one marker in the history instead of a scheduled task's six events.
 */
export interface RunStoreActivities {
  beginRun(request: BeginRunRequest): Promise<BeginRunResult>;
  /**
   * Creates the run's job from a published workflow and claims it (see `CreateRunRequest`).
   * Asked again for the same job and run (a retried activity), it answers the same start.
   */
  createRun(request: CreateRunRequest): Promise<CreateRunResult>;
  loadSteps(request: { job_id: string; from: number }): Promise<StepBatch>;
  /** Reloads a run that continued as new; refused when the run is no longer the job's current run. */
  resumeRun(request: ResumeRunRequest): Promise<ResumeRunResult>;
  /**
   * Writes run state, fenced by run: a run that is no longer the job's current run writes
   * nothing on the job (`applied: false`), and a run that never claimed it nothing at all.
   */
  recordRun(record: RunRecord): Promise<RecordRunResult>;
}
