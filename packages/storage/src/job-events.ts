import type { JobEventData } from '@ordo/core';
import {
  FINAL_JOB_EVENT_TYPES,
  JobEvent,
  type JobEventType,
  type JobStatus,
  type RunHeader,
  type StepRun,
} from '@ordo/core';
import { PostgresAdapter, sql, type Kysely, type Selectable } from 'kysely';
import type { Database, JobEventTable } from './schema';

/** An event to append: its type and fields (the job, run and time are the write's). */
export type NewJobEvent = { type: JobEventType; data: JobEventData };

/**
 * The key of the transaction-scoped advisory lock PostgreSQL's event writers take before
 * appending: ids come from a sequence in the order the inserts run, and transactions commit
 * in another order, so a reader tailing `event_id > cursor` could pass an id whose row commits
 * a moment later and never see it. Holding one lock from the append to the commit makes the
 * appends, and so the ids, commit in order. The append is each transaction's last statement,
 * so the lock is held only for its commit (the `jobs_run_events` trigger takes it too). SQLite
 * writers are serial already.
 */
export const EVENT_APPEND_LOCK = 0x4f72646f; // "Ordo"

/**
 * Appends events of one job inside the caller's transaction, the one that writes the run
 * state they describe: an event is exactly as durable as its state, and never exists
 * without it. The job's workflow and status are copied from its row as the transaction left
 * it (an INSERT … SELECT), and only while `run_id` is the job's current run (null: it has
 * none): an old run's late writes, after a reset moved the job on, say nothing. Call it last.
 */
export async function appendJobEvents(
  db: Kysely<Database>,
  at: { job_id: string; run_id: string | null },
  events: readonly NewJobEvent[],
  now: string,
): Promise<void> {
  if (events.length === 0) return;
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`select pg_advisory_xact_lock(${EVENT_APPEND_LOCK})`.execute(db);
  }
  for (const event of events) {
    await db
      .insertInto('job_events')
      .columns(['job_id', 'workflow_id', 'job_status', 'run_id', 'type', 'data', 'created_at'])
      .expression((eb) =>
        eb
          .selectFrom('jobs')
          .select([
            'job_id',
            'workflow_id',
            'status',
            sql<string>`cast(${at.run_id} as text)`.as('run_id'),
            sql<string>`cast(${event.type} as text)`.as('type'),
            sql<string>`cast(${JSON.stringify(event.data)} as text)`.as('data'),
            sql<string>`cast(${now} as text)`.as('created_at'),
          ])
          .where('job_id', '=', at.job_id)
          .where('run_id', at.run_id === null ? 'is' : '=', at.run_id),
      )
      .execute();
  }
}

/** The stored step a write replaces, as far as its events care. */
export type StoredStepState = { status: string; attempt: number } | undefined;

/** Types of steps that wait (for a person, or for a time) rather than run. */
const WAITING_STEP_TYPES = new Set(['sys.human_confirm', 'sys.wait']);

/** The events a step record written over `before` implies: none when its status and attempt did not move. */
export function stepEvents(before: StoredStepState, step: StepRun): NewJobEvent[] {
  const data: JobEventData = {
    step_index: step.index,
    step_id: step.step_id,
    step_type: step.type,
    ...(step.attempt > 0 && { attempt: step.attempt }),
    ...(step.max_attempts !== undefined && { max_attempts: step.max_attempts }),
  };
  const moved = before === undefined || before.status !== step.status || before.attempt < step.attempt;
  if (!moved) return [];
  switch (step.status) {
    case 'Completed':
      return [{ type: 'step.completed', data }];
    case 'Failed':
      return [
        {
          type: 'step.failed',
          data: {
            ...data,
            ...(step.error && { error_code: step.error.code, message: step.error.message }),
          },
        },
      ];
    case 'Disabled':
      return [{ type: 'step.disabled', data: { ...data, ...(step.note !== undefined && { message: step.note }) } }];
    case 'InProgress':
      return WAITING_STEP_TYPES.has(step.type) || step.due_at !== undefined
        ? [{ type: 'step.waiting', data: { ...data, ...(step.due_at !== undefined && { due_at: step.due_at }) } }]
        : [{ type: 'step.started', data }];
    case 'NotStarted':
      return [];
  }
}

/** The events a run header written over `before` implies: a pause, a resume, the run's ending. */
export function headerEvents(
  before: Pick<RunHeader, 'status' | 'paused'> | undefined,
  header: RunHeader,
): NewJobEvent[] {
  const events: NewJobEvent[] = [];
  const ended = header.status === 'Completed' || header.status === 'Failed' || header.status === 'Cancelled';
  if (!ended && header.paused !== (before?.paused ?? false)) {
    events.push({ type: header.paused ? 'job.paused' : 'job.resumed', data: {} });
  }
  if (ended && before?.status !== header.status) events.push(endingEvent(header));
  return events;
}

/** The event of a run's ending, with its error when it failed. */
export function endingEvent(header: RunHeader): NewJobEvent {
  const error = header.error && { error_code: header.error.code, message: header.error.message };
  if (header.status === 'Completed') return { type: 'job.completed', data: {} };
  return { type: header.status === 'Cancelled' ? 'job.cancelled' : 'job.failed', data: { ...error } };
}

/** Whether an event ends its job's run (its per-job stream closes after it). */
export function isFinalJobEvent(event: Pick<JobEvent, 'type'>): boolean {
  return FINAL_JOB_EVENT_TYPES.includes(event.type);
}

/** What `GET /v1/events` filters on: a workflow, and the job's status right after the event. */
export type JobEventFilter = { job_id?: string; workflow_id?: string; job_status?: JobStatus };

/** Reads of the event log: the stream's tail and a reconnecting client's backlog. */
export class JobEventRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** The newest event's id, or 0: where a reader that starts now begins. */
  async latestId(): Promise<number> {
    const row = await this.db
      .selectFrom('job_events')
      .select((eb) => eb.fn.max('event_id').as('max'))
      .executeTakeFirst();
    return Number(row?.max ?? 0);
  }

  /**
   * Events after `after` (and up to `upTo` when given) matching `filter`, oldest first, at
   * most `limit`.
   */
  async list(filter: JobEventFilter, after: number, limit: number, upTo?: number): Promise<JobEvent[]> {
    let query = this.db.selectFrom('job_events').selectAll().where('event_id', '>', after);
    if (upTo !== undefined) query = query.where('event_id', '<=', upTo);
    if (filter.job_id !== undefined) query = query.where('job_id', '=', filter.job_id);
    if (filter.workflow_id !== undefined) query = query.where('workflow_id', '=', filter.workflow_id);
    if (filter.job_status !== undefined) query = query.where('job_status', '=', filter.job_status);
    const rows = await query.orderBy('event_id').limit(limit).execute();
    return rows.map(jobEventOf);
  }
}

/** An event as stored, as the API sends it. */
function jobEventOf(row: Selectable<JobEventTable>): JobEvent {
  return JobEvent.parse({
    event_id: Number(row.event_id),
    type: row.type,
    job_id: row.job_id,
    workflow_id: row.workflow_id,
    job_status: row.job_status,
    ...(row.run_id !== null && { run_id: row.run_id }),
    at: row.created_at,
    data: JSON.parse(row.data) as unknown,
  });
}
