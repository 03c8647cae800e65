import {
  fileIdsIn,
  type InputVariable,
  initialRunHeader,
  runHeaderSource,
  JobRecord,
  RunHeader,
  StepRun,
  jobStatusOf,
  storedRunState,
  type BeginRunRequest,
  type JobStatus,
  type RecordedCompletion,
  type RunClaim,
  type RunClaimResult,
  type RunRecord,
  type RunState,
  type RunSummary,
  type Variables,
  type WorkflowStatus,
} from '@ordo/core';
import {
  sql,
  type ExpressionBuilder,
  type Insertable,
  type Kysely,
  type OnConflictDatabase,
  type OnConflictTables,
  type Selectable,
} from 'kysely';
import { isForeignKeyViolation, isUniqueViolation } from './constraint-errors';
import type { OrdoDatabase } from './database';
import { ParseCache } from './parse-cache';
import type { Database, JobTable, RunTable, StepRunTable } from './schema';

/** Which jobs to list: newest first, `limit` at a time, continuing after `after`. */
export interface JobListQuery {
  workflow_id?: string | undefined;
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
export type ClaimRunResult =
  | { ok: true; job: JobRecord; reused: StepRun[]; started_at: string }
  | { ok: false; code: 'JOB_NOT_FOUND' | 'JOB_NOT_STARTABLE'; status?: JobStatus };
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
 * Jobs and their runs. The API writes a job's record (creation, inputs) only while no run
 * is in progress, and resets it; everything about a run is written by that run (its
 * workflow's local activities and its tool activities), each write fenced by `run_id`,
 * so a reset job's old run, still in flight, cannot overwrite the new state.
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
    return row ? recordOf(row) : undefined;
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
    const job = recordOf(row);
    const [run, runs] = await Promise.all([this.runStateOf(job, row), this.runsOf(jobId)]);
    return { job, run, runs, updated_at: row.updated_at, revision: row.revision };
  }

  /** Jobs newest first (created_at, then job_id, both descending), filtered and paged, with their runs' state. */
  async list(query: JobListQuery): Promise<StoredJob[]> {
    let select = this.db.selectFrom('jobs').selectAll();
    if (query.workflow_id !== undefined) select = select.where('workflow_id', '=', query.workflow_id);
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
        const job = recordOf(row);
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
    const rows = await this.db
      .selectFrom('step_runs')
      .selectAll()
      .where('run_id', '=', runId)
      .orderBy('step_index')
      .execute();
    return rows.map(stepRunOf);
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
        outcome = { ok: true, job: recordOf(written), revision: written.revision };
      });
    } catch (err) {
      if (err instanceof MissingFile || isForeignKeyViolation(err)) return { ok: false, code: 'FILE_NOT_FOUND' };
      throw err;
    }
    if (outcome) return outcome;
    return { ok: false, code: (await this.get(jobId)) ? 'JOB_NOT_PENDING' : 'JOB_NOT_FOUND' };
  }

  /**
   * Claims a job for a run: a PENDING job with valid inputs (a start), or a FAILED job whose
   * current run is the one a retry names. The job becomes RUNNING under the new run, the run
   * gets its row, and a retry's reused steps are copied from the failed run. Claiming again
   * for the same run (a retried activity) answers the same and completes what a crash left
   * undone; a run that held the job before a reset never takes it back.
   *
   * The claim itself is one conditional UPDATE, and every later write is idempotent, with no
   * transaction held across them: a SQLite transaction that reads and then writes fails at
   * once with SQLITE_BUSY when another connection wrote in between (its snapshot is stale),
   * where single statements wait for the lock (`busy_timeout`). On PostgreSQL the UPDATE of
   * the losing claim waits for the winner's and then matches no row.
   */
  async claimRun(request: BeginRunRequest, now: string): Promise<ClaimRunResult> {
    const row = await this.db.selectFrom('jobs').selectAll().where('job_id', '=', request.job_id).executeTakeFirst();
    if (!row) return { ok: false, code: 'JOB_NOT_FOUND' };
    const job = recordOf(row);
    const retry = request.retry;
    let startedAt = request.started_at;
    if (row.run_id === request.run_id) {
      // Claimed before by this run: its start time is the first claim's.
      startedAt = row.started_at ?? startedAt;
    } else {
      const claimable = retry
        ? row.status === 'FAILED' && row.run_id === retry.run_id
        : row.status === 'PENDING' && row.input_errors === '{}';
      const refused = { ok: false, code: 'JOB_NOT_STARTABLE', status: row.status as JobStatus } as const;
      if (!claimable) return refused;
      if (await this.db.selectFrom('runs').select('run_id').where('run_id', '=', request.run_id).executeTakeFirst())
        return refused;
      const updated = await this.db
        .updateTable('jobs')
        .set((eb) => ({
          status: 'RUNNING',
          run_id: request.run_id,
          started_at: startedAt,
          completed_at: null,
          run: null,
          updated_at: now,
          revision: eb('revision', '+', 1),
        }))
        .where('job_id', '=', request.job_id)
        // Optimistic: the row must still be as read above, so of two concurrent claims (on
        // either database) exactly one updates it and the other finds it changed.
        .where('revision', '=', row.revision)
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) !== 1) {
        const current = await this.db
          .selectFrom('jobs')
          .select('status')
          .where('job_id', '=', request.job_id)
          .executeTakeFirst();
        return { ...refused, status: (current?.status ?? row.status) as JobStatus };
      }
    }
    await this.db
      .insertInto('runs')
      .values({
        run_id: request.run_id,
        job_id: request.job_id,
        status: 'InProgress',
        started_at: startedAt,
        completed_at: null,
        retry_of_run_id: retry?.run_id ?? null,
        from_step_index: retry?.from_step_index ?? null,
      })
      .onConflict((oc) => oc.column('run_id').doNothing())
      .execute();
    if (retry) {
      const copies = (await this.stepRuns(retry.run_id))
        .filter((step) => step.index < retry.from_step_index && step.status === 'Completed')
        .map((step) =>
          stepRunRow(
            request.run_id,
            request.job_id,
            { ...step, reused_from_run: step.reused_from_run ?? retry.run_id },
            now,
          ),
        );
      // In slices: a 10,000-step job must stay under PostgreSQL's 65,535 parameters per statement.
      for (let i = 0; i < copies.length; i += 500) {
        await this.db
          .insertInto('step_runs')
          .values(copies.slice(i, i + 500))
          .onConflict((oc) => oc.columns(['run_id', 'step_index']).doNothing())
          .execute();
      }
    }
    // Read back rather than kept from above: a repeated claim answers what the first one copied.
    const reused = retry ? (await this.stepRuns(request.run_id)).filter((s) => s.reused_from_run !== undefined) : [];
    return { ok: true, job, reused, started_at: startedAt };
  }

  /**
   * Claims a PENDING job for a run begun from a prepared start (see `RunClaim`): one
   * conditional UPDATE, fenced by the revision the start was prepared from, then the run's
   * row. Claiming again for the same run (a retried activity) answers the same and writes
   * what a crash left undone; a job that changed since, or that another run holds, refuses.
   */
  async claimPrepared(claim: RunClaim, now: string): Promise<RunClaimResult> {
    const updated = await this.db
      .updateTable('jobs')
      .set((eb) => ({
        status: 'RUNNING',
        run_id: claim.run_id,
        started_at: claim.started_at,
        completed_at: null,
        run: null,
        updated_at: now,
        revision: eb('revision', '+', 1),
      }))
      .where('job_id', '=', claim.job_id)
      .where('status', '=', 'PENDING')
      .where('revision', '=', claim.revision)
      .where('input_errors', '=', '{}')
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) {
      const row = await this.db
        .selectFrom('jobs')
        .select(['run_id', 'status'])
        .where('job_id', '=', claim.job_id)
        .executeTakeFirst();
      if (!row) return { ok: false, code: 'JOB_NOT_FOUND', message: `Job '${claim.job_id}' does not exist` };
      if (row.run_id !== claim.run_id) {
        return row.status === 'PENDING'
          ? {
              ok: false,
              code: 'JOB_CHANGED',
              message: `Job '${claim.job_id}' changed after this run was started (its inputs were set again): this run does nothing`,
            }
          : {
              ok: false,
              code: 'JOB_NOT_STARTABLE',
              message: `Job '${claim.job_id}' is ${row.status}, not PENDING with valid inputs: this run does nothing`,
            };
      }
    }
    await this.db
      .insertInto('runs')
      .values({
        run_id: claim.run_id,
        job_id: claim.job_id,
        status: 'InProgress',
        started_at: claim.started_at,
        completed_at: null,
        retry_of_run_id: null,
        from_step_index: null,
      })
      .onConflict((oc) => oc.column('run_id').doNothing())
      .execute();
    return { ok: true };
  }

  /**
   * The run's own confirmation of its prepared claim, made before its first tool runs: the
   * API claims a run it starts as soon as Temporal has it, so this usually finds the claim
   * done, with the run's row, and answers from that one read. Otherwise it claims as
   * {@link claimPrepared} does (the API died before its claim, or this run came first).
   */
  async confirmPreparedClaim(claim: RunClaim, now: string): Promise<RunClaimResult> {
    const claimed = await this.db
      .selectFrom('jobs')
      .leftJoin('runs', (join) => join.on('runs.run_id', '=', claim.run_id).on('runs.job_id', '=', claim.job_id))
      .select(['jobs.run_id as job_run', 'runs.run_id as run_row'])
      .where('jobs.job_id', '=', claim.job_id)
      .executeTakeFirst();
    if (claimed?.job_run === claim.run_id && claimed.run_row === claim.run_id) return { ok: true };
    return this.claimPrepared(claim, now);
  }

  /**
   * Writes a run's header and step records, only while the run is the job's current run.
   * The job row's status and times follow the header, so lists and filters see them.
   */
  async recordRun(record: RunRecord, now: string): Promise<boolean> {
    const header = RunHeader.parse(record.header);
    return this.db.transaction().execute(async (trx) => {
      const updated = await trx
        .updateTable('jobs')
        .set((eb) => ({ ...jobColumnsOf(header, now), revision: eb('revision', '+', 1) }))
        .where('job_id', '=', header.job_id)
        .where('run_id', '=', header.run_id)
        .executeTakeFirst();
      // The run row is the run's own: its outcome is recorded even after a reset moved the job on.
      const run = await trx
        .updateTable('runs')
        .set({ status: header.status, completed_at: header.completed_at ?? null })
        .where('run_id', '=', header.run_id)
        .executeTakeFirst();
      // A run that never claimed its job (cancelled before its first step) has nothing of its own to keep.
      if (Number(run.numUpdatedRows) === 0) return false;
      for (const step of record.steps) {
        const row = stepRunRow(header.run_id, header.job_id, StepRun.parse(step), now);
        await trx
          .insertInto('step_runs')
          .values(row)
          .onConflict((oc) => oc.columns(['run_id', 'step_index']).doUpdateSet(withoutKeys(row)))
          .execute();
      }
      return Number(updated.numUpdatedRows) === 1;
    });
  }

  /**
   * Records that a tool attempt began. Steps move only forward in attempt order (see
   * {@link attemptMayWrite}): a late write of an earlier attempt changes nothing. A step
   * already completed is not started again: when a retry finds that an earlier attempt of
   * the run recorded the step's completion (its result never reached Temporal: the worker
   * died, Temporal was down), nothing is written and that completion is answered, so the
   * retry returns it instead of running the tool again. One conditional upsert; only a
   * retry that wrote nothing reads the row (one indexed read, with the run's status).
   */
  async recordAttemptStarted(
    at: { run_id: string; job_id: string; step_index: number; step_id: string; type: string },
    attempt: number,
    maxAttempts: number | undefined,
    now: string,
  ): Promise<RecordedCompletion | undefined> {
    const row = stepRunRow(
      at.run_id,
      at.job_id,
      {
        index: at.step_index,
        step_id: at.step_id,
        type: at.type,
        status: 'InProgress',
        attempt,
        max_attempts: maxAttempts,
        started_at: now,
      },
      now,
    );
    const written = await this.db
      .insertInto('step_runs')
      .values(row)
      .onConflict((oc) =>
        oc
          .columns(['run_id', 'step_index'])
          .doUpdateSet({
            status: 'InProgress',
            attempt,
            progress: null,
            outputs: null,
            completed_at: null,
            updated_at: now,
          })
          .where((eb) => attemptMayWrite(eb, attempt, false)),
      )
      .executeTakeFirst();
    // A first attempt cannot follow a completion; a retry that wrote its start did not.
    if (attempt === 1 || Number(written.numInsertedOrUpdatedRows ?? 0n) > 0) return undefined;
    const found = await this.db
      .selectFrom('step_runs')
      .leftJoin('runs', 'runs.run_id', 'step_runs.run_id')
      .selectAll('step_runs')
      .select(['runs.status as run_status', 'runs.completed_at as run_completed_at'])
      .where('step_runs.run_id', '=', at.run_id)
      .where('step_runs.step_index', '=', at.step_index)
      .where('step_runs.status', '=', 'Completed')
      .where('step_runs.attempt', '<', attempt)
      .executeTakeFirst();
    if (found === undefined) return undefined;
    const { run_status, run_completed_at, ...stepRow } = found;
    const step = stepRunOf(stepRow);
    if (step.completed_at === undefined) return undefined;
    // The last step's activity writes the run's ending with the step, at the same time.
    const runEnded = run_status === 'Completed' && run_completed_at === step.completed_at;
    return { outputs: step.outputs ?? {}, attempt: step.attempt, completed_at: step.completed_at, run_ended: runEnded };
  }

  /** Records a running attempt's progress message. */
  async recordAttemptProgress(
    at: { run_id: string; step_index: number },
    attempt: number,
    message: string,
    now: string,
  ): Promise<void> {
    await this.db
      .updateTable('step_runs')
      .set({ progress: message, updated_at: now })
      .where('run_id', '=', at.run_id)
      .where('step_index', '=', at.step_index)
      .where('attempt', '=', attempt)
      .where('status', '=', 'InProgress')
      .execute();
  }

  /**
   * Records how an attempt ended: completed with outputs, or failed (a retry may follow).
   * One upsert: an attempt that ended before its start was recorded (the activity layer
   * records a first attempt's start only once it has run a moment) writes its row here.
   * Steps move only forward in attempt order ({@link attemptMayWrite}): an earlier attempt
   * that timed out may still report late, and only a later attempt's completion replaces an
   * earlier attempt's recorded completion (a failure leaves it for the next retry to return).
   */
  async recordAttemptEnded(
    at: { run_id: string; job_id: string; step_index: number; step_id: string; type: string },
    attempt: number,
    startedAt: string,
    ending: { outputs: Variables } | { error: { code: string; message: string } },
    now: string,
  ): Promise<void> {
    const completed = 'outputs' in ending;
    const row = stepRunRow(
      at.run_id,
      at.job_id,
      {
        index: at.step_index,
        step_id: at.step_id,
        type: at.type,
        status: completed ? 'Completed' : 'InProgress',
        attempt,
        started_at: startedAt,
        ...('outputs' in ending ? { outputs: ending.outputs, completed_at: now } : { error: ending.error }),
      },
      now,
    );
    await this.db
      .insertInto('step_runs')
      .values(row)
      .onConflict((oc) =>
        oc
          .columns(['run_id', 'step_index'])
          .doUpdateSet(
            completed
              ? {
                  status: 'Completed',
                  attempt,
                  outputs: row.outputs,
                  error: null,
                  progress: null,
                  completed_at: now,
                  updated_at: now,
                }
              : {
                  status: 'InProgress',
                  attempt,
                  error: row.error,
                  outputs: null,
                  progress: null,
                  completed_at: null,
                  updated_at: now,
                },
          )
          .where((eb) => attemptMayWrite(eb, attempt, completed)),
      )
      .execute();
  }

  /**
   * Records a completed step as its workflow records it (a tool activity of a run begun
   * from a prepared start writes it), and with `final` the run's ending, in one
   * transaction: the run's persistence rides on its last activity. Like
   * `recordAttemptEnded`, steps move only forward in attempt order; like
   * `recordRun`, the job's header is written only while the run is the job's current run.
   */
  async recordStepCompleted(
    at: { run_id: string; job_id: string },
    step: StepRun,
    final: RunHeader | undefined,
    now: string,
  ): Promise<void> {
    const row = stepRunRow(at.run_id, at.job_id, step, now);
    const upsert = (db: Kysely<Database>) =>
      db
        .insertInto('step_runs')
        .values(row)
        .onConflict((oc) =>
          oc
            .columns(['run_id', 'step_index'])
            .doUpdateSet(withoutKeys(row))
            .where((eb) => attemptMayWrite(eb, step.attempt, true)),
        )
        .execute();
    if (final === undefined) {
      await upsert(this.db);
      return;
    }
    // The header is the workflow's own (computed by core's run transitions), not a request to
    // check; it is written only with its step: an earlier attempt's late ending ends nothing.
    await this.db.transaction().execute(async (trx) => {
      const written = await upsert(trx);
      if (written.every((result) => Number(result.numInsertedOrUpdatedRows ?? 0n) === 0)) return;
      await trx
        .updateTable('jobs')
        .set((eb) => ({ ...jobColumnsOf(final, now), revision: eb('revision', '+', 1) }))
        .where('job_id', '=', final.job_id)
        .where('run_id', '=', final.run_id)
        .execute();
      await trx
        .updateTable('runs')
        .set({ status: final.status, completed_at: final.completed_at ?? null })
        .where('run_id', '=', final.run_id)
        .execute();
    });
  }

  /**
   * Returns a job to PENDING: its run is detached (kept, with its steps, as history), inputs
   * stay. Conditional on the run being the one the caller saw, so a reset cannot undo a
   * start or retry it did not know about.
   */
  async reset(jobId: string, expectedRunId: string, now: string): Promise<ResetResult> {
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
   * by the run itself, since a closed workflow can write no more. One conditional UPDATE of
   * the job row, fenced by the run's ID and by the job still being RUNNING under it, then
   * the step rows `ended` carries (those not yet ended); the run's own row is closed even
   * when a reset moved the job on.
   */
  async endRunOutside(
    ended: { header: RunHeader; steps: readonly StepRun[] },
    now: string,
  ): Promise<EndRunOutsideResult> {
    const { header } = ended;
    const applied = await this.db.transaction().execute(async (trx) => {
      const updated = await trx
        .updateTable('jobs')
        .set((eb) => ({ ...jobColumnsOf(header, now), revision: eb('revision', '+', 1) }))
        .where('job_id', '=', header.job_id)
        .where('run_id', '=', header.run_id)
        .where('status', '=', 'RUNNING')
        .executeTakeFirst();
      await trx
        .updateTable('runs')
        .set({ status: header.status, completed_at: header.completed_at ?? null })
        .where('run_id', '=', header.run_id)
        .where('status', '=', 'InProgress')
        .execute();
      if (Number(updated.numUpdatedRows) !== 1) return false;
      for (const step of ended.steps) {
        const row = stepRunRow(header.run_id, header.job_id, step, now);
        await trx
          .insertInto('step_runs')
          .values(row)
          .onConflict((oc) =>
            oc
              .columns(['run_id', 'step_index'])
              .doUpdateSet(withoutKeys(row))
              .where('step_runs.status', 'in', ['NotStarted', 'InProgress']),
          )
          .execute();
      }
      return true;
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
    const raw = await this.db
      .selectFrom('step_runs')
      .selectAll()
      .where('run_id', '=', row.run_id)
      .orderBy('step_index')
      .execute();
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
    return rows.map(runSummaryOf);
  }
}

/**
 * Whether a tool attempt's write may change a step row: steps move only forward in attempt
 * order. The same or a later attempt moves a step that has not ended. A completion stands:
 * only a later attempt's completion replaces it (a retry that could not read the record ran
 * the tool again, and Temporal has that attempt's outputs), never a start or a failure,
 * so the next retry still finds it. Nothing moves a step the workflow failed, nor any row
 * for an earlier attempt than the one it holds.
 */
function attemptMayWrite(
  eb: ExpressionBuilder<OnConflictDatabase<Database, 'step_runs'>, OnConflictTables<'step_runs'>>,
  attempt: number,
  completion: boolean,
) {
  const notEnded = eb.and([
    eb('step_runs.status', 'in', ['NotStarted', 'InProgress']),
    eb('step_runs.attempt', '<=', attempt),
  ]);
  if (!completion) return notEnded;
  return eb.or([notEnded, eb.and([eb('step_runs.status', '=', 'Completed'), eb('step_runs.attempt', '<', attempt)])]);
}

/** The row of a new, PENDING job: no run yet. */
function newJobRow(job: JobRecord) {
  return {
    job_id: job.job_id,
    workflow_id: job.workflow_id,
    workflow_version: job.workflow_version,
    name: job.name,
    description: job.description ?? null,
    status: 'PENDING',
    created_at: job.created_at,
    updated_at: job.updated_at,
    started_at: null,
    completed_at: null,
    input_variables: JSON.stringify(job.input_variables),
    input_values: JSON.stringify(job.input_values),
    input_errors: JSON.stringify(job.input_errors),
    steps: JSON.stringify(job.steps),
    run_id: null,
    run: null,
    correlation_id: job.correlation_id,
    context: JSON.stringify(job.context),
    parent_job_id: job.parent_job_id ?? null,
    root_job_id: job.root_job_id ?? null,
    output_variables: JSON.stringify(job.output_variables),
  } satisfies Insertable<JobTable>;
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
/** A job row's definition parts, the same text for every job of a workflow version: parsed once per text. */
const JobSteps = new ParseCache(JobRecord.shape.steps);
const JobInputVariables = new ParseCache(JobRecord.shape.input_variables);
const JobRecordRest = JobRecord.omit({ steps: true, input_variables: true });

/** The job row's columns that follow its current run's header (status and times, for lists and filters). */
function jobColumnsOf(header: RunHeader, now: string) {
  return {
    status: jobStatusOf(header.status),
    started_at: header.started_at,
    completed_at: header.completed_at ?? null,
    run: JSON.stringify(header),
    updated_at: now,
  };
}

function recordOf(row: Selectable<JobTable>): JobRecord {
  const rest = JobRecordRest.parse({
    job_id: row.job_id,
    workflow_id: row.workflow_id,
    workflow_version: row.workflow_version,
    name: row.name,
    description: row.description ?? undefined,
    created_at: row.created_at,
    updated_at: row.updated_at,
    input_values: JSON.parse(row.input_values) as unknown,
    input_errors: JSON.parse(row.input_errors) as unknown,
    output_variables: JSON.parse(row.output_variables) as unknown,
    correlation_id: row.correlation_id,
    context: JSON.parse(row.context) as unknown,
    parent_job_id: row.parent_job_id ?? undefined,
    root_job_id: row.root_job_id ?? undefined,
    run_id: row.run_id ?? undefined,
  });
  return { ...rest, input_variables: JobInputVariables.parse(row.input_variables), steps: JobSteps.parse(row.steps) };
}

function runSummaryOf(row: Selectable<RunTable>): RunSummary {
  const status = row.status as RunState['status'];
  return {
    run_id: row.run_id,
    status: jobStatusOf(status),
    ...(status === 'Cancelled' && { cancelled: true }),
    started_at: row.started_at,
    ...(row.completed_at !== null && { completed_at: row.completed_at }),
    ...(row.retry_of_run_id !== null && {
      retry_of: { run_id: row.retry_of_run_id, from_step_index: row.from_step_index ?? 0 },
    }),
  };
}

function stepRunRow(runId: string, jobId: string, step: StepRun, now: string): StepRunTable {
  return {
    run_id: runId,
    step_index: step.index,
    job_id: jobId,
    step_id: step.step_id,
    type: step.type,
    status: step.status,
    attempt: step.attempt,
    max_attempts: step.max_attempts ?? null,
    started_at: step.started_at ?? null,
    completed_at: step.completed_at ?? null,
    failed_at: step.failed_at ?? null,
    due_at: step.due_at ?? null,
    progress: step.progress ?? null,
    note: step.note ?? null,
    reused_from_run: step.reused_from_run ?? null,
    outputs: step.outputs === undefined ? null : JSON.stringify(step.outputs),
    error: step.error === undefined ? null : JSON.stringify(step.error),
    children: step.children === undefined ? null : JSON.stringify(step.children),
    updated_at: now,
  };
}

function withoutKeys(row: StepRunTable): Omit<StepRunTable, 'run_id' | 'step_index'> {
  const { run_id: _r, step_index: _i, ...rest } = row;
  return rest;
}

function stepRunOf(row: Selectable<StepRunTable>): StepRun {
  return StepRun.parse({
    index: row.step_index,
    step_id: row.step_id,
    type: row.type,
    status: row.status,
    attempt: row.attempt,
    max_attempts: row.max_attempts ?? undefined,
    started_at: row.started_at ?? undefined,
    completed_at: row.completed_at ?? undefined,
    failed_at: row.failed_at ?? undefined,
    due_at: row.due_at ?? undefined,
    progress: row.progress ?? undefined,
    note: row.note ?? undefined,
    reused_from_run: row.reused_from_run ?? undefined,
    outputs: row.outputs === null ? undefined : (JSON.parse(row.outputs) as unknown),
    error: row.error === null ? undefined : (JSON.parse(row.error) as unknown),
    children: row.children === null ? undefined : (JSON.parse(row.children) as unknown),
  });
}
