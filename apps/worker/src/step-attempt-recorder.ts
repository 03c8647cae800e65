import { log } from '@temporalio/activity';
import {
  applyOutputMappings,
  completedRunHeader,
  type RecordedCompletion,
  type RecordedEnding,
  type RunClaim,
  type RunClaimResult,
  type RunHeader,
  type RunRecording,
  type StepAddress,
  type StepRun,
  type ToolOutputs,
} from '@ordo/core';
import type { OrdoStore } from '@ordo/storage';
import { waitingOutDatabaseOutage } from './database-outage-wait';

/**
 * Where the worker's step recording (`recordedToolActivities`) reports a tool attempt while
 * it runs, so the job's stored state shows the attempt number and progress live. Writes
 * are fenced by `step.run_id`: an attempt of a run that is no longer the job's current run
 * records nothing.
 */
export interface StepAttemptRecorder {
  /**
   * An attempt began (1-based `attempt`, Temporal's count). The step recording reports a
   * first attempt only once it has run a moment (or reports progress), so a fast step
   * costs one write, when it ends; a retry right before its tool runs. A step that an
   * earlier attempt of the run recorded as completed is not started again: nothing is
   * written, and that completion is answered (never to a first attempt).
   */
  started(step: StepAddress, attempt: number, at: string): Promise<RecordedCompletion | undefined>;
  /** The tool reported progress; called at most about once a second per attempt. */
  progress(
    step: StepAddress,
    attempt: number,
    message: string,
    fraction: number | undefined,
    at: string,
  ): Promise<void>;
  /**
   * The attempt succeeded with these outputs (large values already stored by reference).
   * The step shows as completed at once; the workflow's own record stays authoritative.
   * With `run`, the step's row is written as the workflow records it, and with `run.finish`
   * the run's ending too (unless the outputs do not map): answers what was recorded.
   */
  succeeded(
    step: StepAddress,
    attempt: number,
    outputs: ToolOutputs,
    startedAt: string,
    at: string,
    run?: RunRecording,
  ): Promise<RecordedEnding | undefined>;
  /** Claims the job for a run begun from a prepared start, before its first tool runs. */
  claim(claim: RunClaim): Promise<RunClaimResult>;
  /** The attempt failed; `retryable` tells whether Temporal may try again. */
  failed(
    step: StepAddress,
    attempt: number,
    error: { code: string; message: string },
    retryable: boolean,
    startedAt: string,
    at: string,
  ): Promise<void>;
}

/**
 * Records tool attempts in the job's stored run as they happen, so the stored view shows
 * the attempt number, progress and finished steps live, and survives a worker crash. The
 * workflow's own records stay authoritative: these writes only move a step that has not ended.
 * For a run begun from a prepared start they are the run's records: the claim, each
 * completed step as the workflow holds it, and with the last step the run's ending.
 */
export function createStepAttemptRecorder(store: Pick<OrdoStore, 'runs'>): StepAttemptRecorder {
  return {
    started(step, attempt, at) {
      return store.runs.recordAttemptStarted({ ...step, type: 'tool' }, attempt, undefined, at);
    },
    async progress(step, attempt, message, fraction, at) {
      await store.runs.recordAttemptProgress(step, attempt, { message, fraction }, at);
    },
    claim(claim) {
      // Without its claim the attempt runs no tool: it waits out an outage rather than failing.
      return waitingOutDatabaseOutage('claim the job', () =>
        store.runs.confirmPreparedClaim(claim, new Date().toISOString()),
      );
    },
    async succeeded(step, attempt, outputs, startedAt, at, run) {
      if (run === undefined) {
        await store.runs.recordAttemptEnded({ ...step, type: 'tool' }, attempt, startedAt, { outputs }, at);
        return undefined;
      }
      // The step exactly as the workflow's `stepCompleted` leaves it, at the time it is told.
      const completed: StepRun = {
        index: step.step_index,
        step_id: step.step_id,
        type: 'tool',
        status: 'Completed',
        attempt,
        max_attempts: run.max_attempts,
        started_at: run.step_started_at,
        completed_at: at,
        outputs,
      };
      let final: RunHeader | undefined;
      if (run.finish !== undefined) {
        // Outputs that do not map fail the step in the workflow, which then records that itself.
        const mapped = applyOutputMappings(run.finish.output_mappings, outputs);
        if (mapped.ok) final = completedRunHeader(run.finish.header, mapped.written, run.finish.output_variables, at);
      }
      await store.runs.recordStepCompleted(step, completed, final, at);
      return final === undefined ? 'step' : 'run';
    },
    async failed(step, attempt, error, retryable, startedAt, at) {
      if (!retryable)
        log.info('Tool attempt failed for good', {
          job_id: step.job_id,
          step_id: step.step_id,
          attempt,
          code: error.code,
        });
      await store.runs.recordAttemptEnded({ ...step, type: 'tool' }, attempt, startedAt, { error }, at);
    },
  };
}
