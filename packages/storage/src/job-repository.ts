import {
  fileIdsIn,
  initialRunHeader,
  runHeaderSource,
  RunHeader,
  storedRunState,
  type InputVariable,
  type JobRecord,
  JobStatus,
  type RunState,
  type RunSummary,
  type StepRun,
  type Variables,
  type WorkflowStatus,
} from '@ordo/core';
import { sql, type Kysely, type Selectable } from 'kysely';
import { isForeignKeyViolation, isUniqueViolation } from './constraint-errors';
import type { OrdoDatabase } from './database';
import {
  JobInputVariables,
  jobColumnsOf,
  newJobRow,
  jobRecordOfRow,
  runEndingColumns,
  runSummaryOfRow,
  stepRunOf,
  stepRunRow,
} from './job-rows';
import type { Database, JobTable } from './schema';
import { selectStepRunRows, upsertStepRun } from './step-run-statements';

/** Which jobs to list: newest first, `limit` at a time, continuing after `after`. */
export interface JobListQuery {
  workflow_id?: string | undefined;
  schedule_id?: string | undefined;
  status?: JobStatus | undefined;
  limit: number;
  after?: { created_at: string; job_id: string } | undefined;
}

/** A job as stored: its record, its current run's state (if any), and every run it had. */
export interface StoredJob {
  job: JobRecord;
  run: RunState | undefined;
  runs: RunSummary[];
  /** When the job row last changed. */
  updated_at: string;
  /** The job row's revision, bumped by every write: a prepared start's claim is fenced by it. */
  revision: number;
}

export type SetInputsResult =
  | { ok: true; job: JobRecord; revision: number }
  | { ok: false; code: 'JOB_NOT_FOUND' | 'JOB_NOT_PENDING' | 'FILE_NOT_FOUND' };
export type InsertJobResult =
  | { ok: true }
  | { ok: false; code: 'VERSION_NOT_FOUND' | 'FILE_NOT_FOUND' | 'IDEMPOTENCY_KEY_TAKEN' }
  | { ok: false; code: 'VERSION_NOT_PUBLISHED'; status: WorkflowStatus };
export type EndRunOutsideResult = { ok: true } | { ok: false; code: 'JOB_NOT_FOUND' | 'RUN_NOT_CURRENT' | 'RUN_ENDED' };

/**
 * The Idempotency-Key a job was created with: `id` a digest of the caller and the key (see
 * the API's idempotency middleware), `request_hash` the digest of the creating request.
 */
export interface JobIdempotency {
  id: string;
  request_hash: string;
}
export type ResetResult = { ok: true; job: JobRecord } | { ok: false; code: 'JOB_NOT_FOUND' | 'RUN_CHANGED' };

/**
 * Jobs as the API writes them, and every read of jobs and their runs. The API writes a
 * job's record (creation, inputs) only while no run is in progress, resets it, and ends a
 * run whose workflow closed without recording its ending; everything else about a run is
 * written by that run, through the `RunRepository`, each write fenced by `run_id`.
 */
export class JobRepository {
  constructor(private readonly db: OrdoDatabase) {}

  async insert(job: JobRecord): Promise<void> {
    await this.db.insertInto('jobs').values(newJobRow(job)).execute();
  }

  /**
   * Inserts a new job only if the workflow version it pins is PUBLISHED at that moment: one
   * INSERT … SELECT conditional on the version's status, so a version archived after the
   * caller read it gets no new job. A job created with inputs that name files gets its
   * references to them (`job_files`) in the same transaction, as `setInputs` writes them: a
   * file deleted since the caller checked it leaves no job at all (`FILE_NOT_FOUND`). With
   * `idempotency`, the key's identity is written in the same insert: a key that already
   * names a job inserts nothing (`IDEMPOTENCY_KEY_TAKEN`).
   */
  async insertIfPublished(job: JobRecord, idempotency?: JobIdempotency): Promise<InsertJobResult> {
    const insert = async (db: Kysely<Database>): Promise<boolean> => {
      const row = {
        ...newJobRow(job),
        idempotency_id: idempotency?.id ?? null,
        idempotency_request_hash: idempotency?.request_hash ?? null,
      };
      const columns = Object.keys(row) as (keyof typeof row)[];
      const inserted = await db
        .insertInto('jobs')
        .columns(columns)
        .expression((eb) =>
          eb
            .selectFrom('workflows')
            // Typed casts: PostgreSQL must know each parameter's type in a SELECT list.
            .select(
              columns.map((column) =>
                sql`cast(${row[column]} as ${sql.raw(column === 'workflow_version' ? 'integer' : 'text')})`.as(column),
              ),
            )
            .where('workflow_id', '=', job.workflow_id)
            .where('version', '=', job.workflow_version)
            .where('status', '=', 'PUBLISHED'),
        )
        .executeTakeFirst();
      return Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 1;
    };
    let inserted: boolean;
    try {
      if (fileIdsOf(job.input_variables, job.input_values).size === 0) {
        inserted = await insert(this.db);
      } else {
        // The insert comes first: SQLite then holds the write lock for the whole transaction.
        inserted = await this.db.transaction().execute(async (trx) => {
          if (!(await insert(trx))) return false;
          await writeFileReferences(trx, job.job_id, job.input_variables, job.input_values, job.input_errors);
          return true;
        });
      }
    } catch (err) {
      if (err instanceof MissingFile || isForeignKeyViolation(err)) return { ok: false, code: 'FILE_NOT_FOUND' };
      // Job IDs are random: the only unique value two inserts can share is the idempotency key.
      if (idempotency !== undefined && isUniqueViolation(err)) return { ok: false, code: 'IDEMPOTENCY_KEY_TAKEN' };
      throw err;
    }
    if (inserted) return { ok: true };
    const version = await this.db
      .selectFrom('workflows')
      .select('status')
      .where('workflow_id', '=', job.workflow_id)
      .where('version', '=', job.workflow_version)
      .executeTakeFirst();
    return version
      ? { ok: false, code: 'VERSION_NOT_PUBLISHED', status: version.status as WorkflowStatus }
      : { ok: false, code: 'VERSION_NOT_FOUND' };
  }

  /** The job an Idempotency-Key created, as {@link getStored} reads it, with the digest of the request that created it. */
  async findByIdempotency(id: string): Promise<{ stored: StoredJob; request_hash: string } | undefined> {
    const row = await this.db
      .selectFrom('jobs')
      .select(['job_id', 'idempotency_request_hash'])
      .where('idempotency_id', '=', id)
      .executeTakeFirst();
    if (!row) return undefined;
    const stored = await this.getStored(row.job_id);
    return stored && { stored, request_hash: row.idempotency_request_hash ?? '' };
  }

  /** A job's record, without its runs. */
  async get(jobId: string): Promise<JobRecord | undefined> {
    const row = await this.db.selectFrom('jobs').selectAll().where('job_id', '=', jobId).executeTakeFirst();
    return row ? jobRecordOfRow(row) : undefined;
  }

  /** The job's status (PENDING, RUNNING, COMPLETED, FAILED: a cancelled job is FAILED), or undefined when there is no such job: one indexed read. */
  async status(jobId: string): Promise<JobStatus | undefined> {
    const row = await this.db.selectFrom('jobs').select('status').where('job_id', '=', jobId).executeTakeFirst();
    return row === undefined ? undefined : JobStatus.parse(row.status);
  }

  /** The job's current run, or undefined (no such job, or no run): one indexed read, nothing parsed. */
  async currentRunId(jobId: string): Promise<string | undefined> {
    const row = await this.db.selectFrom('jobs').select('run_id').where('job_id', '=', jobId).executeTakeFirst();
    return row?.run_id ?? undefined;
  }

  /** A job with its current run's stored state and its runs. */
  async getStored(jobId: string): Promise<StoredJob | undefined> {
    const row = await this.db.selectFrom('jobs').selectAll().where('job_id', '=', jobId).executeTakeFirst();
    if (!row) return undefined;
    const job = jobRecordOfRow(row);
    const [run, runs] = await Promise.all([this.runStateOf(job, row), this.runsOf(jobId)]);
    return { job, run, runs, updated_at: row.updated_at, revision: row.revision };
  }

  /** Jobs newest first (created_at, then job_id, both descending), filtered and paged, with their runs' state. */
  async list(query: JobListQuery): Promise<StoredJob[]> {
    let select = this.db.selectFrom('jobs').selectAll();
    if (query.workflow_id !== undefined) select = select.where('workflow_id', '=', query.workflow_id);
    if (query.schedule_id !== undefined) select = select.where('schedule_id', '=', query.schedule_id);
    if (query.status !== undefined) select = select.where('status', '=', query.status);
    const after = query.after;
    if (after) {
      select = select.where((eb) =>
        eb.or([
          eb('created_at', '<', after.created_at),
          eb.and([eb('created_at', '=', after.created_at), eb('job_id', '<', after.job_id)]),
        ]),
      );
    }
    const rows = await select.orderBy('created_at', 'desc').orderBy('job_id', 'desc').limit(query.limit).execute();
    return Promise.all(
      rows.map(async (row) => {
        const job = jobRecordOfRow(row);
        return {
          job,
          run: await this.runStateOf(job, row),
          runs: await this.runsOf(job.job_id),
          updated_at: row.updated_at,
          revision: row.revision,
        };
      }),
    );
  }

  /** The step rows of a run, by index. */
  async stepRuns(runId: string): Promise<StepRun[]> {
    return (await selectStepRunRows(this.db, runId)).map(stepRunOf);
  }

  /**
   * Replaces a pending job's input values and errors, and with them the job's references to
   * the files those values name (`job_files`), in one transaction. The status check is part
   * of the UPDATE, so a job started meanwhile is never changed under its running workflow.
   * The transaction writes first (SQLite then holds the write lock throughout); the
   * references are written as `writeFileReferences` says: a file of a value without an error
   * in `errors` (one the caller found) deleted meanwhile fails the change (`FILE_NOT_FOUND`)
   * instead of going unreferenced.
   */
  async setInputs(
    jobId: string,
    values: Variables,
    errors: Record<string, string>,
    now: string,
  ): Promise<SetInputsResult> {
    let outcome: SetInputsResult | undefined;
    try {
      await this.db.transaction().execute(async (trx) => {
        // RETURNING: the row as written, read in the same statement (references touch no job column).
        const written = await trx
          .updateTable('jobs')
          .set((eb) => ({
            input_values: JSON.stringify(values),
            input_errors: JSON.stringify(errors),
            updated_at: now,
            revision: eb('revision', '+', 1),
          }))
          .where('job_id', '=', jobId)
          .where('status', '=', 'PENDING')
          .returningAll()
          .executeTakeFirst();
        if (written === undefined) return;
        await trx.deleteFrom('job_files').where('job_id', '=', jobId).execute();
        await writeFileReferences(trx, jobId, JobInputVariables.parse(written.input_variables), values, errors);
        outcome = { ok: true, job: jobRecordOfRow(written), revision: written.revision };
      });
    } catch (err) {
      if (err instanceof MissingFile || isForeignKeyViolation(err)) return { ok: false, code: 'FILE_NOT_FOUND' };
      throw err;
    }
    if (outcome) return outcome;
    return { ok: false, code: (await this.get(jobId)) ? 'JOB_NOT_PENDING' : 'JOB_NOT_FOUND' };
  }

  /**
   * Returns a job to PENDING: its run is detached (kept, with its steps, as history), inputs
   * stay. Conditional on the run being the one the caller saw, so a reset cannot undo a
   * start or retry it did not know about.
   */
  async reset(jobId: string, expectedRunId: string, now: string): Promise<ResetResult> {
    // Its `job.reset` event is the `jobs_run_events` trigger's, in this statement.
    const result = await this.db
      .updateTable('jobs')
      .set((eb) => ({
        status: 'PENDING',
        run_id: null,
        run: null,
        started_at: null,
        completed_at: null,
        updated_at: now,
        revision: eb('revision', '+', 1),
      }))
      .where('job_id', '=', jobId)
      .where('run_id', '=', expectedRunId)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 1) return { ok: true, job: (await this.get(jobId))! };
    return { ok: false, code: (await this.get(jobId)) ? 'RUN_CHANGED' : 'JOB_NOT_FOUND' };
  }

  /**
   * Ends a run whose Temporal executions closed without recording its ending (terminated,
   * timed out, failed where the workflow could not write): the one write of a run not made
   * by the run itself, since a closed workflow can write no more. The step rows `ended`
   * carries (those not yet ended), then the job row, fenced by the run's ID and by the job
   * still being RUNNING under it (steps first, so their events precede the ending); the
   * run's own row is closed even when a reset moved the job on.
   */
  async endRunOutside(
    ended: { header: RunHeader; steps: readonly StepRun[] },
    now: string,
  ): Promise<EndRunOutsideResult> {
    const { header } = ended;
    const applied = await this.db
      .transaction()
      .execute(async (trx) => {
        await trx
          .updateTable('runs')
          .set(runEndingColumns(header))
          .where('run_id', '=', header.run_id)
          .where('status', '=', 'InProgress')
          .execute();
        const current = await trx
          .selectFrom('jobs')
          .select('job_id')
          .where('job_id', '=', header.job_id)
          .where('run_id', '=', header.run_id)
          .where('status', '=', 'RUNNING')
          .executeTakeFirst();
        if (current === undefined) return false;
        // Steps before the job's row: their events (the log's triggers) precede the run's ending.
        for (const step of ended.steps) {
          await upsertStepRun(trx, stepRunRow(header.run_id, header.job_id, step, now), (eb) =>
            eb('step_runs.status', 'in', ['NotStarted', 'InProgress']),
          );
        }
        const updated = await trx
          .updateTable('jobs')
          .set((eb) => ({ ...jobColumnsOf(header, now), revision: eb('revision', '+', 1) }))
          .where('job_id', '=', header.job_id)
          .where('run_id', '=', header.run_id)
          .where('status', '=', 'RUNNING')
          .executeTakeFirst();
        // Changed since the read (PostgreSQL; SQLite's lock is held from the first write): undo the steps.
        if (Number(updated.numUpdatedRows) !== 1) throw new JobChangedMeanwhile();
        return true;
      })
      .catch((err: unknown) => {
        if (err instanceof JobChangedMeanwhile) return false;
        throw err;
      });
    if (applied) return { ok: true };
    const row = await this.db
      .selectFrom('jobs')
      .select(['run_id'])
      .where('job_id', '=', header.job_id)
      .executeTakeFirst();
    if (!row) return { ok: false, code: 'JOB_NOT_FOUND' };
    return { ok: false, code: row.run_id === header.run_id ? 'RUN_ENDED' : 'RUN_NOT_CURRENT' };
  }

  /** Marks a run the store holds as in progress, whose workflow is gone, as cancelled (used by reset when Temporal lost it). */
  async closeRun(runId: string, status: 'Cancelled', now: string): Promise<void> {
    await this.db
      .updateTable('runs')
      .set({ status, completed_at: now })
      .where('run_id', '=', runId)
      .where('status', '=', 'InProgress')
      .execute();
  }

  private async runStateOf(job: JobRecord, row: Selectable<JobTable>): Promise<RunState | undefined> {
    if (row.run_id === null) return undefined;
    const raw = await selectStepRunRows(this.db, row.run_id);
    const rows = raw.map(stepRunOf);
    // Tool attempts write their step rows without touching the job row: while the run is in
    // progress, its last activity is the latest of the header's and theirs.
    const lastWrite = raw.reduce<string | undefined>(
      (latest, r) => (latest === undefined || r.updated_at > latest ? r.updated_at : latest),
      undefined,
    );
    const withLastWrite = (run: RunState): RunState =>
      run.status === 'InProgress' &&
      lastWrite !== undefined &&
      (run.last_activity_at === undefined || lastWrite > run.last_activity_at)
        ? { ...run, last_activity_at: lastWrite }
        : run;
    if (row.run === null) {
      // Claimed but not yet recorded by its workflow: the run has begun (the claim set the
      // job row's started_at), nothing more is known.
      if (row.started_at === null) return undefined;
      return withLastWrite(
        storedRunState(job, initialRunHeader(runHeaderSource(job), row.run_id, row.started_at), rows),
      );
    }
    return withLastWrite(storedRunState(job, RunHeader.parse(JSON.parse(row.run)), rows));
  }

  private async runsOf(jobId: string): Promise<RunSummary[]> {
    const rows = await this.db
      .selectFrom('runs')
      .selectAll()
      .where('job_id', '=', jobId)
      .orderBy('started_at')
      .orderBy('run_id')
      .execute();
    return rows.map(runSummaryOfRow);
  }
}

/** Rolls back an input change naming a file that no longer exists. */
class MissingFile extends Error {}

/** The IDs of the uploaded files the values of `variables` name (nested in arrays and objects too). */
function fileIdsOf(variables: readonly InputVariable[], values: Variables): Set<string> {
  return new Set(variables.flatMap((v) => fileIdsIn(v.schema, values[v.variable_id])));
}

/**
 * Writes a job's references to the files its input values name, in the caller's
 * transaction, each only to a file row that exists (under its foreign key). Files of values
 * the caller found valid must exist, or the transaction rolls back (`MissingFile`); a value
 * already flagged invalid in `errors` (its file deleted) is kept, with a reference only if
 * its file exists.
 */
async function writeFileReferences(
  trx: Kysely<Database>,
  jobId: string,
  variables: readonly InputVariable[],
  values: Variables,
  errors: Record<string, string>,
): Promise<void> {
  const fileIds = [...fileIdsOf(variables, values)];
  if (fileIds.length === 0) return;
  const required = fileIdsOf(
    variables.filter((v) => errors[v.variable_id] === undefined),
    values,
  );
  await trx
    .insertInto('job_files')
    .columns(['job_id', 'file_id'])
    .expression((eb) =>
      eb
        .selectFrom('files')
        .select((s) => [s.val(jobId).as('job_id'), 'file_id'])
        .where('file_id', 'in', fileIds),
    )
    .execute();
  const referenced = new Set(
    (await trx.selectFrom('job_files').select('file_id').where('job_id', '=', jobId).execute()).map((r) => r.file_id),
  );
  if ([...required].some((id) => !referenced.has(id))) throw new MissingFile();
}

/** Rolls back a transaction whose job changed between its read and its write. */
class JobChangedMeanwhile extends Error {}
