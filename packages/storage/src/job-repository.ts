import type { InputVariable, JobStateUpdate, JobStatus, Variables } from '@ordo/core';
import { Job } from '@ordo/core';
import type { Selectable } from 'kysely';
import type { OrdoDatabase } from './database';
import type { JobTable } from './schema';

/** Which jobs to list: newest first, `limit` at a time, continuing after `after`. */
export interface JobListQuery {
  workflow_id?: string | undefined;
  status?: JobStatus | undefined;
  limit: number;
  after?: { created_at: string; job_id: string } | undefined;
}

export type SetInputsResult = { ok: true; job: Job } | { ok: false; code: 'JOB_NOT_FOUND' | 'JOB_NOT_PENDING' };
export type ClaimStartResult = { ok: true; job: Job } | { ok: false; code: 'JOB_NOT_FOUND' | 'JOB_NOT_PENDING' | 'INPUTS_INVALID' };

/** Jobs: created by the API, moved to RUNNING when started, finalized by the job workflow. */
export class JobRepository {
  constructor(private readonly db: OrdoDatabase) {}

  async insert(job: Job): Promise<void> {
    await this.db.insertInto('jobs').values(toRow(job)).execute();
  }

  async get(jobId: string): Promise<Job | undefined> {
    const row = await this.db.selectFrom('jobs').selectAll().where('job_id', '=', jobId).executeTakeFirst();
    return row ? fromRow(row) : undefined;
  }

  /** Jobs newest first (created_at, then job_id, both descending), filtered and paged. */
  async list(query: JobListQuery): Promise<Job[]> {
    let select = this.db.selectFrom('jobs').selectAll();
    if (query.workflow_id !== undefined) select = select.where('workflow_id', '=', query.workflow_id);
    if (query.status !== undefined) select = select.where('status', '=', query.status);
    const after = query.after;
    if (after) {
      select = select.where((eb) =>
        eb.or([eb('created_at', '<', after.created_at), eb.and([eb('created_at', '=', after.created_at), eb('job_id', '<', after.job_id)])]),
      );
    }
    const rows = await select.orderBy('created_at', 'desc').orderBy('job_id', 'desc').limit(query.limit).execute();
    return rows.map(fromRow);
  }

  /**
   * Replaces a pending job's input values and errors. The status check is part of the
   * UPDATE, so a job started meanwhile is never changed under the running workflow.
   */
  async setInputs(jobId: string, values: Variables, errors: Record<string, string>, now: string): Promise<SetInputsResult> {
    const result = await this.db
      .updateTable('jobs')
      .set((eb) => ({
        input_values: JSON.stringify(values),
        input_errors: JSON.stringify(errors),
        updated_at: now,
        revision: eb('revision', '+', 1),
      }))
      .where('job_id', '=', jobId)
      .where('status', '=', 'PENDING')
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 1) return { ok: true, job: (await this.get(jobId))! };
    return { ok: false, code: (await this.get(jobId)) ? 'JOB_NOT_PENDING' : 'JOB_NOT_FOUND' };
  }

  /**
   * Moves a pending job with valid inputs to RUNNING in one conditional UPDATE: of two
   * concurrent starts exactly one wins, and the loser starts no workflow.
   */
  async claimStart(jobId: string, now: string): Promise<ClaimStartResult> {
    const result = await this.db
      .updateTable('jobs')
      .set((eb) => ({ status: 'RUNNING', started_at: now, updated_at: now, live_output: 'Starting', revision: eb('revision', '+', 1) }))
      .where('job_id', '=', jobId)
      .where('status', '=', 'PENDING')
      .where('input_errors', '=', '{}')
      .executeTakeFirst();
    const job = await this.get(jobId);
    if (Number(result.numUpdatedRows) === 1 && job) return { ok: true, job };
    if (!job) return { ok: false, code: 'JOB_NOT_FOUND' };
    return { ok: false, code: job.status === 'PENDING' ? 'INPUTS_INVALID' : 'JOB_NOT_PENDING' };
  }

  /** Undoes `claimStart` when the workflow could not be started, so the job can be started again. */
  async releaseStart(jobId: string, now: string): Promise<void> {
    await this.db
      .updateTable('jobs')
      .set((eb) => ({ status: 'PENDING', started_at: null, updated_at: now, live_output: '', revision: eb('revision', '+', 1) }))
      .where('job_id', '=', jobId)
      .where('status', '=', 'RUNNING')
      .execute();
  }

  /** Writes the state the job workflow reports; steps are merged by `step_id`. */
  async recordState(update: JobStateUpdate, now: string): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const row = await trx.selectFrom('jobs').selectAll().where('job_id', '=', update.job_id).executeTakeFirst();
      if (!row) return false;
      const job = fromRow(row);
      const runtime = new Map(update.steps.map((s) => [s.step_id, s]));
      const steps = job.steps.map((step) => {
        const r = runtime.get(step.step_id);
        return r ? { ...step, ...r } : step;
      });
      await trx
        .updateTable('jobs')
        .set((eb) => ({
          status: update.status,
          started_at: update.started_at ?? job.started_at ?? null,
          completed_at: update.completed_at ?? null,
          execution_progress: JSON.stringify(update.execution_progress),
          live_output: update.live_output,
          output_data: JSON.stringify(update.output_data),
          error_message: update.error_message ?? null,
          steps: JSON.stringify(steps),
          updated_at: now,
          revision: eb('revision', '+', 1),
        }))
        .where('job_id', '=', update.job_id)
        .execute();
      return true;
    });
  }
}

function toRow(job: Job): Omit<JobTable, 'revision'> {
  return {
    job_id: job.job_id,
    workflow_id: job.workflow_id,
    workflow_version: job.workflow_version,
    name: job.name,
    description: job.description ?? null,
    status: job.status,
    created_at: job.created_at,
    updated_at: job.updated_at,
    started_at: job.started_at ?? null,
    completed_at: job.completed_at ?? null,
    input_variables: JSON.stringify(job.input_variables),
    input_values: JSON.stringify(job.input_values),
    input_errors: JSON.stringify(job.input_errors),
    steps: JSON.stringify(job.steps),
    execution_progress: JSON.stringify(job.execution_progress),
    live_output: job.live_output,
    output_data: JSON.stringify(job.output_data),
    error_message: job.error_message ?? null,
  };
}

function fromRow(row: Selectable<JobTable>): Job {
  return Job.parse({
    job_id: row.job_id,
    workflow_id: row.workflow_id,
    workflow_version: row.workflow_version,
    name: row.name,
    description: row.description ?? undefined,
    status: row.status,
    created_at: row.created_at,
    updated_at: row.updated_at,
    started_at: row.started_at ?? undefined,
    completed_at: row.completed_at ?? undefined,
    input_variables: JSON.parse(row.input_variables) as InputVariable[],
    input_values: JSON.parse(row.input_values) as unknown,
    input_errors: JSON.parse(row.input_errors) as unknown,
    steps: JSON.parse(row.steps) as unknown,
    execution_progress: JSON.parse(row.execution_progress) as unknown,
    live_output: row.live_output,
    output_data: JSON.parse(row.output_data) as unknown,
    error_message: row.error_message ?? undefined,
  });
}
