import { confirmationRefusal, jobStatusOf, type Job, type SchemaValue } from '@ordo/core';
import { cancelRun, confirmRunStep, openRunOf, setRunPaused, terminateRun } from '../job-runs';
import { jobConflict, notFound, temporalUnavailable, validationProblem } from '../problem';
import { endRunIfClosed } from '../run-reconciler';
import type { JobReads } from './job-reads';
import { CLOSE_WAIT_MS, type JobResources } from './job-resources';

/**
 * Control of a job's run: pause, resume, cancel, reset, and the confirmation of a waiting
 * `sys.human_confirm` step. Each goes to the job's workflow as an update, a signal or a
 * native cancellation, and the workflow records what happened; only reset writes the job.
 */
export class JobControl {
  constructor(
    private readonly resources: JobResources,
    private readonly reads: JobReads,
  ) {}

  /** Pauses a running job at its next step boundary (the `pause` signal's effect, answered). */
  async pause(jobId: string): Promise<Job> {
    return this.setPaused(jobId, true);
  }

  /** Lets a paused job go on. */
  async resume(jobId: string): Promise<Job> {
    return this.setPaused(jobId, false);
  }

  private async setPaused(jobId: string, paused: boolean): Promise<Job> {
    const run = await this.reads.requireRunning(jobId, paused ? 'pause' : 'resume');
    const result = await setRunPaused(this.resources.temporal.client, jobId, run.run_id, paused);
    if (!result.ok) {
      switch (result.code) {
        case 'ALREADY_PAUSED':
          throw jobConflict('JOB_ALREADY_PAUSED', `job '${jobId}' is already paused`, {
            status: 'RUNNING',
            is_paused: true,
          });
        case 'NOT_PAUSED':
          throw jobConflict(
            'JOB_NOT_PAUSED',
            `job '${jobId}' is running and not paused; only a paused job can resume`,
            { status: 'RUNNING', is_paused: false },
          );
        case 'RUN_FINISHED':
        case 'TEMPORAL_UNAVAILABLE':
          return this.runUnreachable(jobId, result.code, result.message);
      }
    }
    return this.reads.get(jobId);
  }

  /**
   * Cancels a running (or paused) job through Temporal's native cancellation, exactly as
   * `temporal workflow cancel` does: the running tool is told to stop, the job ends FAILED
   * with "Job cancelled by user", and the run ends Cancelled. Waits briefly for that end.
   */
  async cancel(jobId: string): Promise<Job> {
    const stored = await this.reads.requireStored(jobId);
    if (!stored.run) {
      // Started, but no worker has begun the run yet: cancel it in Temporal, and the job never leaves PENDING.
      const open = await openRunOf(this.resources.temporal.client, jobId);
      if (open !== undefined) {
        await cancelRun(this.resources.temporal.client, jobId, open, CLOSE_WAIT_MS);
        return this.reads.get(jobId);
      }
    }
    const run = await this.reads.requireRunning(jobId, 'cancel');
    const result = await cancelRun(this.resources.temporal.client, jobId, run.run_id, CLOSE_WAIT_MS);
    if (!result.ok) {
      switch (result.code) {
        case 'RUN_FINISHED': {
          // Closed in Temporal: ended there without its ending recorded (terminated), the store learns it now.
          await endRunIfClosed(this.resources, await this.reads.requireStored(jobId));
          const after = await this.reads.current(jobId);
          throw jobConflict('JOB_NOT_RUNNING', `job '${jobId}' has finished; only a running job can be cancelled`, {
            status: jobStatusOf(after.run?.status),
          });
        }
        case 'TEMPORAL_UNAVAILABLE':
          throw temporalUnavailable(result.message);
      }
    }
    return this.reads.get(jobId);
  }

  /**
   * Returns a job to PENDING (seed 002 `resetJob`, docs/contract.md): its steps, outputs, errors, progress and
   * run timestamps are cleared, input values kept. A run in progress is cancelled first and
   * awaited (terminated if it does not close in time). The old run stays in Temporal and in
   * the job's `runs`.
   */
  async reset(jobId: string): Promise<Job> {
    const stored = await this.reads.requireStored(jobId);
    const run = stored.run;
    if (!run)
      throw jobConflict('JOB_NOT_STARTED', `job '${jobId}' is PENDING and has no run; there is nothing to reset`, {
        status: 'PENDING',
      });
    if (run.status === 'InProgress') {
      const cancelled = await cancelRun(this.resources.temporal.client, jobId, run.run_id, CLOSE_WAIT_MS);
      if (!cancelled.ok && cancelled.code === 'TEMPORAL_UNAVAILABLE') throw temporalUnavailable(cancelled.message);
      // Closed in Temporal, perhaps without its ending recorded (terminated): the old run keeps how it ended.
      if (cancelled.ok ? cancelled.closed : cancelled.code === 'RUN_FINISHED')
        await endRunIfClosed(this.resources, stored);
      if (cancelled.ok && !cancelled.closed) {
        // No worker finished the cancellation in time: end the run without it, so the reset holds.
        await terminateRun(this.resources.temporal.client, jobId, run.run_id, `Ordo job ${jobId} reset`);
        await this.resources.store.jobs.closeRun(run.run_id, 'Cancelled', this.resources.timestamp());
      }
    }
    const result = await this.resources.store.jobs.reset(jobId, run.run_id, this.resources.timestamp());
    if (!result.ok) {
      switch (result.code) {
        case 'JOB_NOT_FOUND':
          throw notFound('Job', jobId);
        case 'RUN_CHANGED': {
          const after = await this.reads.current(jobId);
          throw jobConflict(
            'JOB_CHANGED',
            `job '${jobId}' changed while it was being reset (another reset, start or retry won)`,
            {
              status: jobStatusOf(after.run?.status),
            },
          );
        }
      }
    }
    return this.reads.get(jobId);
  }

  /**
   * Confirms a `sys.human_confirm` step that is waiting, through the workflow's `confirm`
   * update: its payload becomes the step's outputs. A payload that breaks the step's schema
   * is refused here (422) before anything is sent; a step that is not waiting is a 409.
   */
  async confirm(jobId: string, stepId: string, payload: SchemaValue | undefined): Promise<Job> {
    const stored = await this.reads.requireStored(jobId);
    const step = stored.job.steps.find((s) => s.step_id === stepId);
    if (!step) throw notFound('Step', stepId);
    if (step.type !== 'sys.human_confirm') {
      throw validationProblem([
        {
          field: 'step_id',
          message: `step '${stepId}' is a ${step.type} step; only sys.human_confirm steps are confirmed`,
        },
      ]);
    }
    const invalid = confirmationRefusal(step, payload);
    if (invalid !== undefined) throw validationProblem([{ field: 'payload', message: invalid }]);
    const run = await this.reads.requireRunning(jobId, 'be confirmed');
    const result = await confirmRunStep(this.resources.temporal.client, jobId, run.run_id, stepId, payload);
    if (!result.ok) {
      switch (result.code) {
        case 'CONFIRMATION_REFUSED':
          throw jobConflict('STEP_NOT_WAITING', `${result.message}`, { status: 'RUNNING', is_paused: run.paused });
        case 'RUN_FINISHED':
        case 'TEMPORAL_UNAVAILABLE':
          return this.runUnreachable(jobId, result.code, result.message);
      }
    }
    return this.reads.get(jobId);
  }

  /** What a control update met instead of the run: its end (409 with the job's state now), or no answer from Temporal (503). */
  private async runUnreachable(
    jobId: string,
    code: 'RUN_FINISHED' | 'TEMPORAL_UNAVAILABLE',
    message: string,
  ): Promise<never> {
    if (code === 'TEMPORAL_UNAVAILABLE') throw temporalUnavailable(message);
    const after = await this.reads.current(jobId);
    throw jobConflict('JOB_NOT_RUNNING', `job '${jobId}' has finished`, { status: jobStatusOf(after.run?.status) });
  }
}
