import { log } from '@temporalio/activity';
import { randomUUID } from 'node:crypto';
import {
  jobStartFields,
  isFinishedRun,
  MAX_REFERENCED_BYTES,
  newJobRecord,
  pinSubWorkflowVersions,
  referencedStepIds,
  resolveNewJobVersion,
  runStartVariables,
  stepBatchOf,
  toolRefsOf,
  validateInputsWithFiles,
  type BeginRunRequest,
  type BeginRunResult,
  type CreateRunRequest,
  type CreateRunResult,
  type JobRecord,
  type ResumeRunResult,
  type RunStart,
  type RunStoreActivities,
  type StepRun,
  type RunTool,
} from '@ordo/core';
import type { ClaimRunResult, OrdoStore } from '@ordo/storage';

/**
 * The local activities through which the job workflow claims its job, reads its steps and
 * persists its run. A run is handed the run defaults of the tool versions its steps pin (read
 * from the catalog) for the tools in `offered`, those this worker serves: a step naming any
 * other tool is refused at once by the workflow instead of being retried as a missing activity.
 */
export function createRunStoreActivities(
  store: Pick<OrdoStore, 'jobs' | 'runs' | 'workflows' | 'files' | 'tools'>,
  offered: ReadonlySet<string>,
): RunStoreActivities {
  // A built-in tool this worker does not offer is left out (the run refuses its step); an
  // external one is always handed on, with where its steps go.
  const toolsOf = async (job: JobRecord): Promise<Record<string, RunTool>> =>
    Object.fromEntries(
      Object.entries(await store.tools.runDefaults(toolRefsOf(job.steps))).filter(
        ([key, tool]) => tool.dispatch !== undefined || offered.has(key.split('@')[0] ?? key),
      ),
    );
  /** The run's start from its claim of the job. */
  const startOf = async (request: BeginRunRequest, claim: Extract<ClaimRunResult, { ok: true }>): Promise<RunStart> => {
    const job = claim.job;
    const from = request.retry?.from_step_index ?? 0;
    return {
      ...jobStartFields(job, runStartVariables(job, claim.reused), from, await toolsOf(job)),
      job_id: job.job_id,
      run_id: request.run_id,
      started_at: claim.started_at,
      // A retry begins at its step: the records of the steps it reuses are copied in the store,
      // and the run holds only those its remaining steps read through `__steps__` (bounded), as
      // a run continued as new does, so this answer does not grow with the steps done.
      reused: from === 0 ? claim.reused : referencedRecords(job, claim.reused, from),
    };
  };

  return {
    async createRun(request): Promise<CreateRunResult> {
      // Asked again (a retried activity, a replayed start), the job exists: the claim below answers the same.
      let job = await store.jobs.get(request.job_id);
      if (!job) {
        const created = await newJobOf(store, request);
        if (!created.ok) return created;
        const inserted = await store.jobs.insertIfPublished(created.job);
        // Archived between the read and the insert, or inserted meanwhile by the same run's earlier attempt.
        if (!inserted.ok) {
          job = await store.jobs.get(request.job_id);
          if (!job)
            return {
              ok: false,
              code: 'WORKFLOW_NOT_PUBLISHED',
              message: `version ${created.job.workflow_version} of workflow '${request.workflow_id}' is no longer PUBLISHED; jobs can be created only from a PUBLISHED version`,
            };
        } else {
          job = created.job;
        }
      }
      if (
        job.run_id !== undefined &&
        job.run_id !== request.run_id &&
        request.parent_job_id !== undefined &&
        job.parent_job_id === request.parent_job_id
      ) {
        job = await rerunChild(store, job, job.run_id, request);
      }
      const errors = Object.entries(job.input_errors);
      if (errors.length > 0 && job.run_id === undefined) {
        return {
          ok: false,
          code: 'INPUTS_INVALID',
          message: `Job '${job.job_id}' inputs invalid: ${errors.map(([field, message]) => `input_values.${field}: ${message}`).join('; ')}`,
        };
      }
      const begin = { job_id: request.job_id, run_id: request.run_id, started_at: request.started_at };
      const claim = await store.runs.claimRun(begin, new Date().toISOString());
      if (!claim.ok)
        return {
          ok: false,
          code: 'JOB_NOT_STARTABLE',
          message: `Job '${request.job_id}' exists and is ${claim.code === 'JOB_NOT_STARTABLE' ? (claim.status ?? 'unknown') : 'gone'}, not a new job of this run: this run does nothing`,
        };
      return { ok: true, start: await startOf(begin, claim) };
    },

    async beginRun(request): Promise<BeginRunResult> {
      const claim = await store.runs.claimRun(request, new Date().toISOString());
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
      return { ok: true, start: await startOf(request, claim) };
    },

    async loadSteps({ job_id, from }) {
      const job = await store.jobs.get(job_id);
      if (!job) throw new Error(`Job '${job_id}' does not exist`);
      return stepBatchOf(job, from, await toolsOf(job));
    },

    async resumeRun({ job_id, run_id, from }): Promise<ResumeRunResult> {
      const stored = await store.jobs.getStored(job_id);
      const run = stored?.run;
      if (!stored || !run || run.run_id !== run_id) {
        return { ok: false, message: `Job '${job_id}' is no longer in run ${run_id}: the continued run does nothing` };
      }
      const job = stored.job;
      const { steps, ...header } = run;
      const referenced = referencedRecords(job, steps, from);
      return {
        ok: true,
        header,
        referenced,
        start: {
          ...jobStartFields(job, header.variables, from, await toolsOf(job)),
          job_id,
          run_id,
          started_at: header.started_at,
          reused: [],
        },
      };
    },

    async recordRun(record) {
      if (record.claim) {
        // A run begun from a prepared start whose claim no tool activity confirmed: claim first.
        const claim = await store.runs.confirmPreparedClaim(record.claim, new Date().toISOString());
        if (!claim.ok) return { applied: false, refused: claim.message };
      }
      const applied = await store.runs.recordRun(record, new Date().toISOString());
      // A reset moved the job on while this run was still in flight: its writes are dropped on purpose.
      if (!applied)
        log.info('Run is no longer the job current run; its state was not recorded on the job', {
          job_id: record.header.job_id,
          run_id: record.header.run_id,
        });
      return { applied };
    },
  };
}

/**
 * A parent's later run (a retry, or a start after a reset) runs its sub-workflow step again,
 * under the same child workflow ID: the child job its earlier run created, finished since,
 * goes back to PENDING (its old run kept as history) with this run's inputs, for this run to
 * claim. A child still running is left alone, and the claim then refuses.
 */
async function rerunChild(
  store: Pick<OrdoStore, 'jobs' | 'files'>,
  job: JobRecord,
  previousRun: string,
  request: CreateRunRequest,
): Promise<JobRecord> {
  const stored = await store.jobs.getStored(job.job_id);
  if (stored?.run === undefined || !isFinishedRun(stored.run.status)) return job;
  const now = new Date().toISOString();
  const reset = await store.jobs.reset(job.job_id, previousRun, now);
  if (!reset.ok) return (await store.jobs.get(job.job_id)) ?? job;
  const inputs = await validateInputsWithFiles(store.files, job.input_variables, request.input_values ?? {});
  const set = await store.jobs.setInputs(job.job_id, inputs.values, inputs.errors, now);
  return set.ok ? set.job : ((await store.jobs.get(job.job_id)) ?? job);
}

/**
 * The record of a job a run creates for itself: its workflow's version resolved and its
 * inputs checked exactly as `POST /v1/jobs` and `start` do (the same functions, the same
 * sentences); its context and correlation ID its own, else its Ordo parent's, else new.
 * Invalid inputs still give a record (PENDING, its `input_errors` naming each problem), so
 * the refused job is visible in the API; the run then fails without claiming it.
 */
async function newJobOf(
  store: Pick<OrdoStore, 'jobs' | 'workflows' | 'files'>,
  request: CreateRunRequest,
): Promise<{ ok: true; job: JobRecord } | Extract<CreateRunResult, { ok: false }>> {
  const resolved = await resolveNewJobVersion(store.workflows, request.workflow_id, request.version);
  if (!resolved.ok) {
    const code =
      resolved.code === 'WORKFLOW_NOT_FOUND' || resolved.code === 'VERSION_NOT_FOUND'
        ? 'WORKFLOW_NOT_FOUND'
        : 'WORKFLOW_NOT_PUBLISHED';
    const field = resolved.field === 'workflow_version' ? 'version' : 'workflow_id';
    return {
      ok: false,
      code,
      message: `${field}: ${resolved.code === 'WORKFLOW_NOT_PUBLISHED' ? resolved.detail : resolved.message}`,
    };
  }
  const workflow = resolved.workflow;
  const parent = request.parent_job_id !== undefined ? await store.jobs.get(request.parent_job_id) : undefined;
  const inputs = await validateInputsWithFiles(store.files, workflow.input_variables, request.input_values ?? {});
  const job = newJobRecord(
    workflow,
    {
      job_id: request.job_id,
      name: request.name,
      correlation_id: request.correlation_id ?? parent?.correlation_id ?? randomUUID(),
      context: request.context ?? parent?.context ?? {},
      parent_job_id: request.parent_job_id,
      root_job_id: request.root_job_id,
      schedule_id: request.schedule_id,
      // Invalid values are not stored: the record keeps what it would keep from `setInput`.
      inputs,
      sub_workflow_versions: await pinSubWorkflowVersions(store.workflows, workflow.steps),
    },
    new Date().toISOString(),
  );
  return { ok: true, job };
}

/**
 * The records of steps before `from` that the steps from `from` on name through `__steps__`,
 * the latest first, at most `MAX_REFERENCED_BYTES` of them: what a run beginning at `from`
 * (a continued execution, a retry) holds of its earlier steps.
 */
function referencedRecords(job: JobRecord, records: readonly StepRun[], from: number): StepRun[] {
  const ids = referencedStepIds(job.steps, from);
  const byIndex = [...records].filter((step) => step.index < from).sort((a, b) => b.index - a.index);
  const referenced: StepRun[] = [];
  let bytes = 0;
  for (const step of byIndex) {
    if (ids.size === 0) break;
    if (!ids.has(step.step_id)) continue;
    const size = JSON.stringify(step).length;
    if (bytes + size > MAX_REFERENCED_BYTES) break;
    referenced.push(step);
    bytes += size;
  }
  return referenced;
}
