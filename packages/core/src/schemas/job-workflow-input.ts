import { z } from 'zod';
import { RunError, RunStatus } from './run-state';
import { PreparedStart } from './run-store-contract';
import { Variables } from './schema-value';
import { Identifier } from './variable-schema';

/** Re-run from a failed run: reuse the completed steps before `from_step_index`. */
export const RetryFrom = z.strictObject({
  /** The job run whose recorded step outputs are reused. */
  run_id: z.string().min(1),
  /** The first step (0-based position in execution order) that runs again. */
  from_step_index: z.number().int().nonnegative(),
});
export type RetryFrom = z.infer<typeof RetryFrom>;

/**
 * Where a run continued as new picks up (see docs/job-state.md, *Unbounded length*): small and of a
 * fixed size whatever the job holds. The run's state is in the run store (the job's `run`
 * header and its step rows), written before continuing; the new execution reloads it.
 */
export const RunContinuation = z.strictObject({
  /** The job run: the chain's first Temporal run ID, the same in every execution of it. */
  run_id: z.string().min(1),
  /** The step (0-based position in execution order) the new execution begins at. */
  from: z.number().int().nonnegative(),
  started_at: z.iso.datetime(),
  /** The run began from a prepared start: its tool activities record its steps. */
  prepared: z.boolean(),
  /** The run was paused when it continued: it stays paused. */
  paused: z.boolean(),
});
export type RunContinuation = z.infer<typeof RunContinuation>;

/**
 * The start argument of a job workflow that creates its own job (composition: a child of
 * another team's workflow, or of a `sys.sub_workflow` step). The job's `job_id` is the
 * run's workflow ID; it runs `version` of `workflow_id` (else its latest PUBLISHED one) with
 * `input_values` checked as the API checks them. `context` and `correlation_id` default to
 * the parent job's when an Ordo job started it, else to `{}` and a new UUID; `name` to the
 * workflow's name.
 */
export const ComposedJobInput = z.strictObject({
  workflow_id: Identifier,
  version: z.number().int().positive().optional(),
  input_values: z.record(z.string(), z.unknown()).optional(),
  context: z.record(z.string(), z.unknown()).optional(),
  name: z.string().min(1).max(200).optional(),
  correlation_id: z.string().min(1).max(200).optional(),
  /** The Temporal Schedule starting this run (a schedule's action, `/v1/schedules`): recorded on the job. */
  schedule_id: z.string().min(1).max(200).optional(),
});
export type ComposedJobInput = z.infer<typeof ComposedJobInput>;

/**
 * The start argument of a job workflow naming a job that exists. It names the job; given only that, the workflow
 * claims the job and reads its definition and inputs through a local activity. A starter
 * that has just read the job (the API) may hand the run its `prepared` start instead, at
 * most the first batch of steps, so the input never grows with the job: the run then
 * begins without a read, and its first tool activity claims the job.
 * (The workflow checks it with `readJobWorkflowInput`, which must agree with this schema:
 * workflow code loads no zod, see `workflows/README.md`.)
 */
export const JobRunInput = z
  .strictObject({
    job_id: z.string().min(1),
    /** When the start was requested; the run records this exact time as `started_at`. */
    started_at: z.iso.datetime().optional(),
    retry: RetryFrom.optional(),
    prepared: PreparedStart.optional(),
    /** Set by the workflow itself when it continues as new: the rest of a run already begun. */
    continued: RunContinuation.optional(),
  })
  .refine((input) => input.prepared === undefined || input.retry === undefined, {
    path: ['prepared'],
    message: 'a prepared start is for a first run, not for a retry',
  })
  .refine((input) => input.continued === undefined || (input.prepared === undefined && input.retry === undefined), {
    path: ['continued'],
    message: 'a continued run carries neither a prepared start nor a retry',
  });
export type JobRunInput = z.infer<typeof JobRunInput>;

/** Every start argument of a job workflow: a job that exists (`job_id`), or a job it creates (`workflow_id`). */
export const JobWorkflowInput = z.union([JobRunInput, ComposedJobInput]);
export type JobWorkflowInput = z.infer<typeof JobWorkflowInput>;

/** What a finished job workflow returns; large outputs are `ValueRef`s. */
export const JobWorkflowResult = z.object({
  job_id: z.string(),
  run_id: z.string(),
  status: RunStatus,
  output_data: Variables,
  error: RunError.optional(),
});
export type JobWorkflowResult = z.infer<typeof JobWorkflowResult>;

/** Why `setPaused` refused: the `type` of the failure it answers with. */
export const ControlRefusal = z.enum(['ALREADY_PAUSED', 'NOT_PAUSED', 'RUN_FINISHED']);
export type ControlRefusal = z.infer<typeof ControlRefusal>;
