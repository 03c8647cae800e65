import { log } from '@temporalio/activity';
import {
  applyOutputMappings,
  completedRunHeader,
  type RunHeader,
  type StepAttemptRecorder,
  type StepRun,
} from '@ordo/core';
import type { OrdoStore } from '@ordo/storage';
import { waitingOutDatabaseOutage } from './database-outage-wait';

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
    async progress(step, attempt, message, _fraction, at) {
      await store.runs.recordAttemptProgress(step, attempt, message, at);
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
