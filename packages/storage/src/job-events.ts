import { FINAL_JOB_EVENT_TYPES, JobEvent, type JobStatus } from '@ordo/core';
import type { Kysely, Selectable } from 'kysely';
import type { Database, JobEventTable } from './schema';

/*
 * The job event log (`job_events`): an append-only table its triggers write in the very
 * statements that write the run state each event describes (`job-event-triggers.ts`), read
 * here by the API's event streams.
 */

/**
 * The key of the transaction-scoped advisory lock PostgreSQL's event triggers take before
 * appending (see `job-event-triggers.ts`): ids come from a sequence in the order the inserts
 * run, and transactions commit in another order, so a reader tailing `event_id > cursor`
 * could pass an id whose row commits a moment later and never see it. The triggers are
 * deferred to the commit and hold this lock from their append to the commit, so appends,
 * and their ids, commit in order. SQLite's writers are serial already.
 */
export const EVENT_APPEND_LOCK = 0x4f72646f; // "Ordo"

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
