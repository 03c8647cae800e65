import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import { z } from 'zod';
import type { ExecutionState } from './model/execution-state';
import { RunError, RunStatus, type RunState } from './model/run-state';
import { Variables } from './model/schema-value';

/**
 * The job workflow's contract: its type name, input and result, and every signal, query
 * and update it answers. The workflow, the API and other teams' workflows and clients
 * import these definitions; nothing addresses the job workflow by a string of its own.
 */

/** The workflow type of every Ordo job; its workflow ID is the job's `job_id`. */
export const JOB_WORKFLOW_TYPE = 'jobWorkflow';

/** Re-run from a failed run: reuse the completed steps before `from_step_index`. */
export const RetryFrom = z.strictObject({
  /** The job run whose recorded step outputs are reused. */
  run_id: z.string().min(1),
  /** The first step (0-based position in execution order) that runs again. */
  from_step_index: z.number().int().nonnegative(),
});
export type RetryFrom = z.infer<typeof RetryFrom>;

/**
 * The start argument of a job workflow. It names the job; the workflow reads the job's
 * definition and inputs through an activity, so the input never grows with the job.
 */
export const JobWorkflowInput = z.strictObject({
  job_id: z.string().min(1),
  /** When the start was requested; the run records this exact time as `started_at`. */
  started_at: z.iso.datetime().optional(),
  retry: RetryFrom.optional(),
});
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

/** Seed 000's `JobContext.executionState`, answered from workflow memory (no history growth). */
export const executionStateQuery = defineQuery<ExecutionState>('executionState');

/** The whole run state, from which the API projects every view of a running job. */
export const runStateQuery = defineQuery<RunState>('runState');

/** Pause at the next step boundary: the running step finishes, the next does not start. */
export const pauseSignal = defineSignal('pause');

/** Let a paused job go on. */
export const resumeSignal = defineSignal('resume');

/** The answer to `setPaused`: the state after the change. */
export interface SetPausedResult {
  paused: boolean;
  status: RunStatus;
}

/**
 * Pause or resume, answered once applied: the same effect as the `pause` and `resume`
 * signals, for callers that need to know it happened (the API). Its validator refuses
 * a change that means nothing (`ALREADY_PAUSED`, `NOT_PAUSED`, `RUN_FINISHED`), so a
 * refused call leaves no trace in the history.
 */
export const setPausedUpdate = defineUpdate<SetPausedResult, [{ paused: boolean }]>('setPaused');

/** Why `setPaused` refused: the `type` of the failure it answers with. */
export const ControlRefusal = z.enum(['ALREADY_PAUSED', 'NOT_PAUSED', 'RUN_FINISHED']);
export type ControlRefusal = z.infer<typeof ControlRefusal>;
