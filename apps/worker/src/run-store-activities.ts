import { log } from '@temporalio/activity';
import {
  declaredVariables,
  effectiveInputs,
  type StepBatch,
  type BeginRunResult,
  type JobRecord,
  type RunStoreActivities,
  stepTypeOf,
  type StepRun,
  type ToolRunDefaults,
  type Variables,
} from '@ordo/core';
import type { OrdoStore } from '@ordo/storage';

/**
 * What a run begins with: the inputs, unset ones with their defaults (exactly what
 * validation accepted), and for a retry the variables its reused steps wrote, in order.
 */
function initialVariables(job: JobRecord, reused: readonly StepRun[]): Variables {
  const variables: Variables = effectiveInputs(job.input_variables, job.input_values);
  for (const step of [...reused].sort((a, b) => a.index - b.index)) {
    const definition = job.steps[step.index];
    if (definition && step.outputs) Object.assign(variables, stepTypeOf(definition).variablesFrom(definition, step.outputs));
  }
  return variables;
}

/** Steps sent to the workflow per batch, at most: a slice of a 10,000-step job stays well under the payload limit. */
const MAX_STEPS_PER_BATCH = 200;
/** …and at most about this many bytes of step definitions. */
const MAX_BATCH_BYTES = 256 * 1024;

/**
 * The local activities through which the job workflow claims its job, reads its steps and
 * persists its run. `tools` holds the run defaults of every tool this worker offers: a step
 * naming any other tool is refused at once by the workflow instead of being retried as a
 * missing activity.
 */
export function createRunStoreActivities(store: Pick<OrdoStore, 'jobs'>, tools: Readonly<Record<string, ToolRunDefaults>>): RunStoreActivities {
  const batchOf = (job: JobRecord, from: number): StepBatch => {
    const steps = [];
    let bytes = 0;
    for (let i = from; i < job.steps.length && steps.length < MAX_STEPS_PER_BATCH; i++) {
      const step = job.steps[i]!;
      const size = JSON.stringify(step).length;
      if (steps.length > 0 && bytes + size > MAX_BATCH_BYTES) break;
      steps.push(step);
      bytes += size;
    }
    const used = new Set(steps.flatMap((s) => (s.type === 'tool' ? [s.tool.tool_id] : [])));
    return { from, steps, tools: Object.fromEntries(Object.entries(tools).filter(([id]) => used.has(id))) };
  };

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
          variables: initialVariables(job, claim.reused),
          declared: [...declaredVariables(job)],
          output_variables: job.output_variables,
          total_steps: job.steps.length,
          first: batchOf(job, 0),
          reused: claim.reused,
        },
      };
    },

    async loadSteps({ job_id, from }) {
      const job = await store.jobs.get(job_id);
      if (!job) throw new Error(`Job '${job_id}' does not exist`);
      return batchOf(job, from);
    },

    async recordRun(record) {
      const applied = await store.jobs.recordRun(record, new Date().toISOString());
      // A reset moved the job on while this run was still in flight: its writes are dropped on purpose.
      if (!applied) log.info('Run is no longer the job current run; its state was not recorded on the job', { job_id: record.header.job_id, run_id: record.header.run_id });
      return { applied };
    },
  };
}
