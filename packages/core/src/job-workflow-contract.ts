import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ExecutionState } from './model/execution-state';
import type { RunState, RunStatus } from './model/run-state';

/**
 * The job workflow's contract: its type name and every signal, query and update it
 * answers. The workflow, the API and other teams' workflows and clients import these
 * definitions; nothing addresses the job workflow by a string of its own. Its input and
 * result (`JobWorkflowInput`, `JobWorkflowResult`) and `ControlRefusal` are schemas in
 * `model/job-workflow-input.ts`, exported beside these from `@ordo/core`. This file loads
 * no zod, since workflow code imports it (see `workflows/README.md`).
 */

/** The workflow type of every Ordo job; its workflow ID is the job's `job_id`. */
export const JOB_WORKFLOW_TYPE = 'jobWorkflow';

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
 * a change that means nothing (a `ControlRefusal`: `ALREADY_PAUSED`, `NOT_PAUSED`,
 * `RUN_FINISHED`), so a refused call leaves no trace in the history.
 */
export const setPausedUpdate = defineUpdate<SetPausedResult, [{ paused: boolean }]>('setPaused');
