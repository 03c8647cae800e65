import {
  composeRunState,
  effectiveInputs,
  executionStateOf,
  jobStatusOf,
  jobView,
  JobSummary,
  resolveValueRecord,
  resolveValueRefs,
  runtimeExecutionOf,
  type ExecutionState,
  type Job,
  type JobRecord,
  type RunState,
  type RuntimeWorkflowExecution,
  type SchemaValue,
} from '@ordo/core';
import type { StoredJob } from '@ordo/storage';
import { decodeCursor, encodeCursor } from '../cursor';
import type { ListJobsQuery } from '../list-jobs-query';
import { ApiProblem, jobConflict, notFound } from '../problem';
import { endRunIfClosed } from '../run-reconciler';
import { readMark, readRunState } from '../shared-run-reads';
import { readableValue } from '../value-views';
import type { JobResources } from './job-resources';

/** A job as the API answers it, with whether its live state could be read. */
export interface JobNow {
  stored: StoredJob;
  run: RunState | undefined;
  stale: boolean;
}

/**
 * Reads of jobs (get, list, the seed views, a variable) and the reads every other job
 * system starts from: the stored job, its live run state from the workflow, the job as
 * answered, and the refusals of a job not in the state an action needs.
 */
export class JobReads {
  constructor(private readonly resources: JobResources) {}

  /** A page of jobs, newest first, as stored: summaries, without steps, inputs or outputs. */
  async list(query: ListJobsQuery): Promise<{ items: JobSummary[]; next_cursor: string | null }> {
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    // One extra row tells whether another page exists without a count query.
    const rows = await this.resources.store.jobs.list({
      workflow_id: query.workflow_id,
      schedule_id: query.schedule_id,
      status: query.status,
      limit: query.limit + 1,
      after,
    });
    const page = rows.slice(0, query.limit);
    const items = page.map((stored) =>
      JobSummary.parse({
        ...jobView(stored.job, stored.run, stored.runs, { updated_at: stored.updated_at }),
        links: this.resources.linksOf(stored.job),
      }),
    );
    const last = page.at(-1);
    return {
      items,
      next_cursor:
        rows.length > query.limit && last
          ? encodeCursor({ created_at: last.job.created_at, job_id: last.job.job_id })
          : null,
    };
  }

  /** A job: as stored once finished, live from its workflow while it runs (or marked stale). */
  async get(jobId: string): Promise<Job> {
    return this.view(await this.current(jobId));
  }

  /** Seed 000's executionState (docs/contract.md), with every value whole. */
  async executionState(jobId: string): Promise<ExecutionState & { stale?: true }> {
    const now = await this.current(jobId);
    const state = executionStateOf(now.stored.job, now.run);
    const blobs = this.resources.store.blobs;
    return {
      ...state,
      variables: await resolveValueRecord(state.variables, blobs),
      step_results: await Promise.all(
        state.step_results.map(async (r) => ({ ...r, outputs: await resolveValueRecord(r.outputs, blobs) })),
      ),
      ...(now.stale && { stale: true as const }),
    };
  }

  /** Seed 001's runtime execution of a job (`TRuntimeWorkflowExecution`), with every value whole. */
  async execution(jobId: string): Promise<RuntimeWorkflowExecution & { stale?: true }> {
    const now = await this.current(jobId);
    const view = runtimeExecutionOf(now.stored.job, now.run);
    const blobs = this.resources.store.blobs;
    const steps = await Promise.all(
      Object.entries(view.steps).map(
        async ([id, step]) =>
          [
            id,
            step.outputData
              ? { ...step, outputData: await resolveValueRecord(step.outputData as Record<string, SchemaValue>, blobs) }
              : step,
          ] as const,
      ),
    );
    return { ...view, steps: Object.fromEntries(steps), ...(now.stale && { stale: true as const }) };
  }

  /** One job variable, whole: an input, or an output some step wrote. */
  async variable(jobId: string, name: string): Promise<{ variable: string; value: SchemaValue }> {
    const now = await this.current(jobId);
    const variables =
      now.run?.variables ?? effectiveInputs(now.stored.job.input_variables, now.stored.job.input_values);
    const value = variables[name];
    if (value === undefined) {
      throw new ApiProblem(
        404,
        'NOT_FOUND',
        'Variable not found',
        `job '${jobId}' has no value for variable '${name}'`,
        [
          {
            field: 'variable',
            message: `must name a variable with a value: ${Object.keys(variables).join(', ') || 'none yet'}`,
          },
        ],
      );
    }
    return { variable: name, value: await resolveValueRefs(value, this.resources.store.blobs) };
  }

  /** A job as stored, without asking its workflow: for answers given right after the run recorded a change. */
  async storedView(jobId: string): Promise<Job> {
    const stored = await this.requireStored(jobId);
    return this.view({ stored, run: stored.run, stale: false });
  }

  /** The stored job and, while it runs, its live run state from the workflow. */
  async current(jobId: string): Promise<JobNow> {
    // Taken first: the live state must come from a query sent after this read began.
    const mark = readMark();
    const stored = await this.requireStored(jobId);
    const run = stored.run;
    if (!run || run.status !== 'InProgress') return { stored, run, stale: false };
    const live = await readRunState(this.resources.temporal.client, jobId, run.run_id, mark);
    if (!live) {
      // No answer: the worker may be down, or the run's executions closed without recording
      // its ending (terminated in Temporal), and no answer would ever come.
      if ((await endRunIfClosed(this.resources, stored)) !== 'ended') return { stored, run, stale: true };
      const after = await this.requireStored(jobId);
      return { stored: after, run: after.run, stale: false };
    }
    // The workflow answers a window of a long run's steps; the store holds the others.
    return { stored, run: withRecordedAttempts(composeRunState(live, run), run), stale: false };
  }

  /** The job as the API answers it: the seed view, with each output a readable value (large ones as links). */
  async view(now: JobNow): Promise<Job> {
    const { job } = now.stored;
    const view = jobView(job, now.run, now.stored.runs, { stale: now.stale, updated_at: now.stored.updated_at });
    const blobs = this.resources.store.blobs;
    const base = `/v1/jobs/${job.job_id}/outputs`;
    const readable = async (values: Record<string, SchemaValue>, names: (name: string) => string) =>
      Object.fromEntries(
        await Promise.all(
          Object.entries(values).map(
            async ([k, v]) => [k, await readableValue(v, blobs, `${base}/${names(k)}`)] as const,
          ),
        ),
      );
    const stepTargets = new Map(job.steps.map((s) => [s.step_id, s.type === 'tool' ? s.output_mappings : {}]));
    return {
      ...view,
      links: this.resources.linksOf(job),
      output_data: await readable(view.output_data, (k) => k),
      steps: await Promise.all(
        view.steps.map(async (step) =>
          step.output_data === undefined
            ? step
            : {
                ...step,
                output_data: await readable(step.output_data, (k) => stepTargets.get(step.step_id)?.[k] ?? k),
              },
        ),
      ),
    };
  }

  /** The stored job, or 404. */
  async requireStored(jobId: string): Promise<StoredJob> {
    const stored = await this.resources.store.jobs.getStored(jobId);
    if (!stored) throw notFound('Job', jobId);
    return stored;
  }

  /** The job's record without its runs, or 404. */
  async requireRecord(jobId: string): Promise<JobRecord> {
    const job = await this.resources.store.jobs.get(jobId);
    if (!job) throw notFound('Job', jobId);
    return job;
  }

  /** The record of a PENDING job: 404 when there is none, 409 when it has a run. */
  async requirePending(jobId: string): Promise<JobRecord> {
    return (await this.requirePendingStored(jobId)).job;
  }

  private async requirePendingStored(jobId: string): Promise<StoredJob> {
    return this.requirePendingOf(await this.requireStored(jobId));
  }

  /** `stored`, when it is PENDING (no run); else 409 `JOB_NOT_PENDING` with its status. */
  requirePendingOf(stored: StoredJob): StoredJob {
    const jobId = stored.job.job_id;
    if (stored.run) {
      const status = jobStatusOf(stored.run.status);
      throw jobConflict(
        'JOB_NOT_PENDING',
        `job '${jobId}' is ${status}; this is possible only while it is PENDING (reset it first)`,
        { status, is_paused: stored.run.paused },
      );
    }
    return stored;
  }

  /** The run of a RUNNING job, read live; else 409 `JOB_NOT_RUNNING` saying it cannot `action`. */
  async requireRunning(jobId: string, action: string): Promise<RunState> {
    const current = await this.current(jobId);
    const run = current.run;
    if (!run || run.status !== 'InProgress') {
      const status = jobStatusOf(run?.status);
      throw jobConflict('JOB_NOT_RUNNING', `job '${jobId}' is ${status}; only a RUNNING job can ${action}`, {
        status,
        ...(run && { is_paused: run.paused }),
      });
    }
    return run;
  }
}

/**
 * The live state with each running step's attempt number and progress as its tool
 * activity recorded them (the workflow learns them only when the attempt ends).
 */
function withRecordedAttempts(live: RunState, stored: RunState): RunState {
  return {
    ...live,
    steps: live.steps.map((step) => {
      const recorded = stored.steps[step.index];
      if (step.status !== 'InProgress' || !recorded || recorded.attempt < step.attempt) return step;
      return {
        ...step,
        attempt: recorded.attempt,
        ...(recorded.progress !== undefined && { progress: recorded.progress }),
        ...(recorded.progress_fraction !== undefined && { progress_fraction: recorded.progress_fraction }),
      };
    }),
  };
}
