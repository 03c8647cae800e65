import { log } from '@temporalio/activity';
import type { StepAttemptRecorder } from '@ordo/core';
import type { OrdoStore } from '@ordo/storage';

/**
 * Records tool attempts in the job's stored run as they happen, so the stored view shows
 * the attempt number, progress and finished steps live, and survives a worker crash. The
 * workflow's own records stay authoritative: these writes only move a step that has not ended.
 */
export function createStepAttemptRecorder(store: Pick<OrdoStore, 'jobs'>): StepAttemptRecorder {
  return {
    async started(step, attempt, at) {
      await store.jobs.recordAttemptStarted({ ...step, type: 'tool' }, attempt, undefined, at);
    },
    async progress(step, attempt, message, _fraction, at) {
      await store.jobs.recordAttemptProgress(step, attempt, message, at);
    },
    async succeeded(step, attempt, outputs, startedAt, at) {
      await store.jobs.recordAttemptEnded({ ...step, type: 'tool' }, attempt, startedAt, { outputs }, at);
    },
    async failed(step, attempt, error, retryable, startedAt, at) {
      if (!retryable) log.info('Tool attempt failed for good', { job_id: step.job_id, step_id: step.step_id, attempt, code: error.code });
      await store.jobs.recordAttemptEnded({ ...step, type: 'tool' }, attempt, startedAt, { error }, at);
    },
  };
}
