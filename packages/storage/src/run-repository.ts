import {
  RunHeader,
  StepRun,
  type BeginRunRequest,
  type JobRecord,
  type JobStatus,
  type RecordedCompletion,
  type RunClaim,
  type RunClaimResult,
  type RunRecord,
  type Variables,
} from '@ordo/core';
import type { ExpressionBuilder, Kysely, OnConflictDatabase, OnConflictTables } from 'kysely';
import type { OrdoDatabase } from './database';
import { claimedJobColumns, jobColumnsOf, jobRecordOfRow, runEndingColumns, stepRunOf, stepRunRow } from './job-rows';
import { selectStepRunRows, upsertStepRun } from './step-run-statements';
import type { Database, StepRunTable } from './schema';

export type ClaimRunResult =
  | { ok: true; job: JobRecord; reused: StepRun[]; started_at: string }
  | { ok: false; code: 'JOB_NOT_FOUND' | 'JOB_NOT_STARTABLE'; status?: JobStatus };

/**
 * What a run writes: its claim of its job, its header and step records, each tool
 * attempt's start, progress and end. Every write is fenced by `run_id`, so a reset job's
 * old run, still in flight, cannot overwrite the new state. (What the API writes, and the
 * reads, are the `JobRepository`'s.)
 */
export class RunRepository {
  constructor(private readonly db: OrdoDatabase) {}

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
    const job = jobRecordOfRow(row);
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
        .set((eb) => ({ ...claimedJobColumns(request.run_id, startedAt, now), revision: eb('revision', '+', 1) }))
        .where('job_id', '=', request.job_id)
        // Optimistic: the row must still be as read above, so of two concurrent claims (on
        // either database) exactly one updates it and the other finds it changed. Its
        // `job.started` event is the `jobs_run_events` trigger's, in this statement.
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
    await this.insertRunRow(request.run_id, request.job_id, startedAt, retry);
    if (retry) {
      const copies = (await selectStepRunRows(this.db, retry.run_id))
        .map(stepRunOf)
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
    const reused = retry
      ? (await selectStepRunRows(this.db, request.run_id)).map(stepRunOf).filter((s) => s.reused_from_run !== undefined)
      : [];
    return { ok: true, job, reused, started_at: startedAt };
  }

  /**
   * Claims a PENDING job for a run begun from a prepared start (see `RunClaim`): one
   * conditional UPDATE, fenced by the revision the start was prepared from, then the run's
   * row. Claiming again for the same run (a retried activity) answers the same and writes
   * what a crash left undone; a job that changed since, or that another run holds, refuses.
   */
  async claimPrepared(claim: RunClaim, now: string): Promise<RunClaimResult> {
    // Its `job.started` event is the `jobs_run_events` trigger's, in this statement.
    const updated = await this.db
      .updateTable('jobs')
      .set((eb) => ({ ...claimedJobColumns(claim.run_id, claim.started_at, now), revision: eb('revision', '+', 1) }))
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
    await this.insertRunRow(claim.run_id, claim.job_id, claim.started_at, undefined);
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
      // The run row is the run's own: its outcome is recorded even after a reset moved the job on.
      const run = await trx
        .updateTable('runs')
        .set(runEndingColumns(header))
        .where('run_id', '=', header.run_id)
        .executeTakeFirst();
      // A run that never claimed its job (cancelled before its first step) has nothing of its own to keep.
      if (Number(run.numUpdatedRows) === 0) return false;
      // Steps before the header: their events (the log's triggers) precede a pause or the run's ending.
      for (const step of record.steps) {
        await upsertStepRun(trx, stepRunRow(header.run_id, header.job_id, StepRun.parse(step), now));
      }
      const updated = await trx
        .updateTable('jobs')
        .set((eb) => ({ ...jobColumnsOf(header, now), revision: eb('revision', '+', 1) }))
        .where('job_id', '=', header.job_id)
        .where('run_id', '=', header.run_id)
        .executeTakeFirst();
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
    at: AttemptAt,
    attempt: number,
    maxAttempts: number | undefined,
    now: string,
  ): Promise<RecordedCompletion | undefined> {
    const row = attemptRow(at, { status: 'InProgress', attempt, max_attempts: maxAttempts, started_at: now }, now);
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
            progress_fraction: null,
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

  /**
   * Records a running attempt's progress: its message, and how far it has got when the tool
   * said (a fraction from 0 to 1; anything else is kept as none, as is a report without one).
   */
  async recordAttemptProgress(
    at: { run_id: string; step_index: number },
    attempt: number,
    progress: { message: string; fraction?: number | undefined },
    now: string,
  ): Promise<void> {
    const { message, fraction } = progress;
    const known = fraction !== undefined && Number.isFinite(fraction) && fraction >= 0 && fraction <= 1;
    await this.db
      .updateTable('step_runs')
      .set({ progress: message, progress_fraction: known ? fraction : null, updated_at: now })
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
    at: AttemptAt,
    attempt: number,
    startedAt: string,
    ending: { outputs: Variables } | { error: { code: string; message: string } },
    now: string,
  ): Promise<void> {
    const completed = 'outputs' in ending;
    const row = attemptRow(
      at,
      {
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
                  progress_fraction: null,
                  completed_at: now,
                  updated_at: now,
                }
              : {
                  status: 'InProgress',
                  attempt,
                  error: row.error,
                  outputs: null,
                  progress: null,
                  progress_fraction: null,
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
    const upsert = (db: Kysely<Database>) => upsertStepRun(db, row, (eb) => attemptMayWrite(eb, step.attempt, true));
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
      await trx.updateTable('runs').set(runEndingColumns(final)).where('run_id', '=', final.run_id).execute();
    });
  }

  /** The row of a run that has claimed its job, in progress (written once: a repeated claim finds it). */
  private async insertRunRow(
    runId: string,
    jobId: string,
    startedAt: string,
    retry: { run_id: string; from_step_index: number } | undefined,
  ): Promise<void> {
    await this.db
      .insertInto('runs')
      .values({
        run_id: runId,
        job_id: jobId,
        status: 'InProgress',
        started_at: startedAt,
        completed_at: null,
        retry_of_run_id: retry?.run_id ?? null,
        from_step_index: retry?.from_step_index ?? null,
      })
      .onConflict((oc) => oc.column('run_id').doNothing())
      .execute();
  }
}

/** The step a tool attempt runs: its run and job, and its place and type in the job. */
type AttemptAt = { run_id: string; job_id: string; step_index: number; step_id: string; type: string };

/** The step row a tool attempt writes: the step `at` names, as `step` says it now is. */
function attemptRow(at: AttemptAt, step: Omit<StepRun, 'index' | 'step_id' | 'type'>, now: string): StepRunTable {
  return stepRunRow(at.run_id, at.job_id, { index: at.step_index, step_id: at.step_id, type: at.type, ...step }, now);
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
