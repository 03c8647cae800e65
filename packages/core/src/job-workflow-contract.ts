import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ExecutionState } from './schemas/execution-state';
import type { ComposedJobInput, JobWorkflowInput, JobWorkflowResult } from './schemas/job-workflow-input';
import type { RunState, RunStatus } from './schemas/run-state';
import type { SchemaValue } from './schemas/schema-value';

/**
 * The job workflow's contract: its type name and every signal, query and update it
 * answers. The workflow, the API and other teams' workflows and clients import these
 * definitions; nothing addresses the job workflow by a string of its own. Its input and
 * result (`JobWorkflowInput`, `JobWorkflowResult`) and `ControlRefusal` are schemas in
 * `schemas/job-workflow-input.ts`, exported beside these from `@ordo/core`. This file loads
 * no zod, since workflow code imports it (see `workflows/README.md`).
 */

/** The workflow type of every Ordo job; its workflow ID is the job's `job_id`. */
export const JOB_WORKFLOW_TYPE = 'jobWorkflow';

/** The job workflow's signature, for typed handles: `startChild<JobWorkflow>(JOB_WORKFLOW_TYPE, …)`. */
export type JobWorkflow = (input: JobWorkflowInput) => Promise<JobWorkflowResult>;

/**
 * The job workflow as a child that creates its own job (composition, see `ComposedJobInput`):
 * what another team's workflow starts with `startChild` or `executeChild`.
 */
export type ComposedJobWorkflow = (input: ComposedJobInput) => Promise<JobWorkflowResult>;

/** Seed 000's `JobContext.executionState` (docs/contract.md), answered from workflow memory (no history growth). */
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
 * a change that means nothing (a `ControlRefusal`: `ALREADY_PAUSED`, `NOT_PAUSED`,
 * `RUN_FINISHED`), so a refused call leaves no trace in the history.
 */
export const setPausedUpdate = defineUpdate<SetPausedResult, [{ paused: boolean }]>('setPaused');

/** Which waiting step a confirmation is for, and its payload (checked against the step's `schema`). */
export interface ConfirmRequest {
  step_id: string;
  payload?: SchemaValue;
}

/** The answer to `confirm`: the confirmation was taken; the step completes with it. */
export interface ConfirmResult {
  step_id: string;
  accepted: true;
}

/**
 * Confirm a `sys.human_confirm` step that is waiting. Its validator refuses (failure type
 * `CONFIRMATION_REFUSED`, with the reason) a step that is not waiting, one already
 * confirmed, or a payload that breaks the step's schema; a refused call leaves no trace.
 */
export const confirmUpdate = defineUpdate<ConfirmResult, [ConfirmRequest]>('confirm');
