import { log } from '@temporalio/activity';
import {
  declaredVariables,
  MAX_REFERENCED_BYTES,
  referencedStepIds,
  runStartVariables,
  stepBatchOf,
  type BeginRunResult,
  type ResumeRunResult,
  type RunStoreActivities,
  type StepRun,
  type ToolRunDefaults,
} from '@ordo/core';
import type { OrdoStore } from '@ordo/storage';

/**
 * The local activities through which the job workflow claims its job, reads its steps and
 * persists its run. `tools` holds the run defaults of every tool this worker offers: a step
 * naming any other tool is refused at once by the workflow instead of being retried as a
 * missing activity.
 */
export function createRunStoreActivities(store: Pick<OrdoStore, 'jobs'>, tools: Readonly<Record<string, ToolRunDefaults>>): RunStoreActivities {
  return {
    async beginRun(request): Promise<BeginRunResult> {
      const claim = await store.jobs.claimRun(request, new Date().toISOString());
      if (!claim.ok) {
        switch (claim.code) {
          case 'JOB_NOT_FOUND':
            return { ok: false, code: claim.code, message: `Job '${request.job_id}' does not exist` };
          case 'JOB_NOT_STARTABLE':
            return {
              ok: false,
              code: claim.code,
              message: request.retry
                ? `Job '${request.job_id}' is ${claim.status ?? 'unknown'}, not FAILED in run ${request.retry.run_id}: this retry does nothing`
                : `Job '${request.job_id}' is ${claim.status ?? 'unknown'}, not PENDING with valid inputs: this run does nothing`,
            };
        }
      }
      const job = claim.job;
      return {
        ok: true,
        start: {
          job_id: job.job_id,
          run_id: request.run_id,
          workflow_id: job.workflow_id,
          workflow_version: job.workflow_version,
          name: job.name,
          correlation_id: job.correlation_id,
          context: job.context,
          ...(job.parent_job_id !== undefined && { parent_job_id: job.parent_job_id }),
          ...(job.root_job_id !== undefined && { root_job_id: job.root_job_id }),
          started_at: claim.started_at,
          variables: runStartVariables(job, claim.reused),
          declared: [...declaredVariables(job)],
          output_variables: job.output_variables,
          total_steps: job.steps.length,
          first: stepBatchOf(job, 0, tools),
          reused: claim.reused,
        },
      };
    },

    async loadSteps({ job_id, from }) {
      const job = await store.jobs.get(job_id);
      if (!job) throw new Error(`Job '${job_id}' does not exist`);
      return stepBatchOf(job, from, tools);
    },

    async resumeRun({ job_id, run_id, from }): Promise<ResumeRunResult> {
      const stored = await store.jobs.getStored(job_id);
      const run = stored?.run;
      if (!stored || !run || run.run_id !== run_id) {
        return { ok: false, message: `Job '${job_id}' is no longer in run ${run_id}: the continued run does nothing` };
      }
      const job = stored.job;
      const { steps, ...header } = run;
      // Only what the remaining steps' expressions may read of earlier steps, the latest first, bounded.
      const ids = referencedStepIds(job.steps, from);
      const referenced: StepRun[] = [];
      let bytes = 0;
      for (let index = Math.min(from, steps.length) - 1; index >= 0 && ids.size > 0; index--) {
        const step = steps[index]!;
        if (!ids.has(step.step_id)) continue;
        const size = JSON.stringify(step).length;
        if (bytes + size > MAX_REFERENCED_BYTES) break;
        referenced.push(step);
        bytes += size;
      }
      return {
        ok: true,
        header,
        referenced,
        start: {
          job_id,
          run_id,
          workflow_id: job.workflow_id,
          workflow_version: job.workflow_version,
          name: job.name,
          correlation_id: job.correlation_id,
          context: job.context,
          ...(job.parent_job_id !== undefined && { parent_job_id: job.parent_job_id }),
          ...(job.root_job_id !== undefined && { root_job_id: job.root_job_id }),
          started_at: header.started_at,
          variables: header.variables,
          declared: [...declaredVariables(job)],
          output_variables: job.output_variables,
          total_steps: job.steps.length,
          first: stepBatchOf(job, from, tools),
          reused: [],
        },
      };
    },

    async recordRun(record) {
      if (record.claim) {
        // A run begun from a prepared start whose claim no tool activity confirmed: claim first.
        const claim = await store.jobs.claimPrepared(record.claim, new Date().toISOString());
        if (!claim.ok) return { applied: false, refused: claim.message };
      }
      const applied = await store.jobs.recordRun(record, new Date().toISOString());
      // A reset moved the job on while this run was still in flight: its writes are dropped on purpose.
      if (!applied) log.info('Run is no longer the job current run; its state was not recorded on the job', { job_id: record.header.job_id, run_id: record.header.run_id });
      return { applied };
    },
  };
}
