import { sql, type Kysely } from 'kysely';
import { EVENT_APPEND_LOCK } from './job-events';

/*
 * The job event log is written by triggers, in the very statements that change the run state
 * an event describes (see `job-events.ts` for the log and `docs/design/reach.md` for why):
 *
 * - `jobs.run_id` changing: a claim (`job.started`) or a reset (`job.reset`);
 * - `jobs.run` (the current run's header) changing under the same run: `job.paused` /
 *   `job.resumed` when its `paused` flag flips, `job.completed` / `job.failed` /
 *   `job.cancelled` when it reaches that ending;
 * - a `step_runs` row inserted, or updated so its status changes or its attempt grows:
 *   `step.started` (or `step.waiting` for a confirmation, a wait or a step with `due_at`),
 *   `step.completed`, `step.failed`, `step.disabled`; its `progress` (or, from migration 0009
 *   on, its `progress_fraction`) changing within one running attempt: `step.progress`, with
 *   the message and the fraction. Rows a retry copies from the failed run
 *   (`reused_from_run`) say nothing.
 *
 * Every event is appended only while its run is the job's current one (an old run's late
 * writes after a reset say nothing), with the job's workflow and status copied from its row.
 * The rules are written once here as SQL expressions over the trigger's `new`/`old` rows and
 * rendered into each dialect's trigger bodies.
 */

type Dialect = 'sqlite' | 'postgres';

/** A JSON text field of a column holding JSON text. */
function jsonField(dialect: Dialect, column: string, path: string[]): string {
  return dialect === 'postgres'
    ? `((${column})::json #>> '{${path.join(',')}}')`
    : `json_extract(${column}, '$.${path.join('.')}')`;
}

/** A JSON object of the given members, members whose value is null left out. */
function jsonObject(dialect: Dialect, members: [string, string][]): string {
  const args = members.map(([key, value]) => `'${key}', ${value}`).join(', ');
  return dialect === 'postgres'
    ? `json_strip_nulls(json_build_object(${args}))::text`
    : `json_patch('{}', json_object(${args}))`;
}

/** The status event of a step row `new` (null for a step not started). */
const STEP_STATUS_EVENT = `case new.status
    when 'Completed' then 'step.completed'
    when 'Failed' then 'step.failed'
    when 'Disabled' then 'step.disabled'
    when 'InProgress' then
      case when new.type in ('sys.human_confirm', 'sys.wait') or new.due_at is not null
        then 'step.waiting' else 'step.started' end
  end`;

/** Whether the update of step row `old` into `new` moved it: its status changed or its attempt grew. */
const STEP_MOVED = `(new.status <> old.status or new.attempt > old.attempt)`;

/** Whether the update of step row `old` into `new` is a progress report of its running attempt. */
const STEP_PROGRESSED = `(new.status = 'InProgress' and old.status = 'InProgress' and new.attempt = old.attempt
    and new.progress is not null and (old.progress is null or new.progress <> old.progress))`;

/** The data of a step event of type `kind` about step row `new`, with `extra` members after its own. */
function stepEventData(dialect: Dialect, kind: string, extra: [string, string][] = []): string {
  return jsonObject(dialect, [
    ['step_index', 'new.step_index'],
    ['step_id', 'new.step_id'],
    ['step_type', 'new.type'],
    ['attempt', 'nullif(new.attempt, 0)'],
    ['max_attempts', 'new.max_attempts'],
    [
      'message',
      `case ${kind} when 'step.progress' then new.progress when 'step.disabled' then new.note
        when 'step.failed' then ${jsonField(dialect, 'new.error', ['message'])} end`,
    ],
    ['error_code', `case when ${kind} = 'step.failed' then ${jsonField(dialect, 'new.error', ['code'])} end`],
    ['due_at', `case when ${kind} = 'step.waiting' then new.due_at end`],
    ...extra,
  ]);
}

/** The run status of a header (a `jobs.run` JSON text). */
const runStatus = (dialect: Dialect, row: string) => jsonField(dialect, `${row}.run`, ['status']);
/** Whether a header (a `jobs.run` JSON text) is paused, false when it has none. */
const runPaused = (dialect: Dialect, row: string) =>
  dialect === 'postgres'
    ? `coalesce((${jsonField(dialect, `${row}.run`, ['paused'])})::boolean, false)`
    : `coalesce(${jsonField(dialect, `${row}.run`, ['paused'])}, 0)`;

/** The header event of the update of job row `old` into `new` under the same run (null: none). */
function headerEvent(dialect: Dialect): string {
  const status = runStatus(dialect, 'new');
  return `case
    when ${status} in ('Completed', 'Failed', 'Cancelled') then
      case when ${runStatus(dialect, 'old')} is null or ${runStatus(dialect, 'old')} <> ${status} then
        case ${status} when 'Completed' then 'job.completed' when 'Failed' then 'job.failed' else 'job.cancelled' end
      end
    when ${runPaused(dialect, 'new')} <> ${runPaused(dialect, 'old')} then
      case when ${runPaused(dialect, 'new')} then 'job.paused' else 'job.resumed' end
  end`;
}

/** The data of a header event of type `kind` about job row `new`: a failure's error. */
function headerEventData(dialect: Dialect, kind: string): string {
  const failed = `${kind} in ('job.failed', 'job.cancelled')`;
  return jsonObject(dialect, [
    ['error_code', `case when ${failed} then ${jsonField(dialect, 'new.run', ['error', 'code'])} end`],
    ['message', `case when ${failed} then ${jsonField(dialect, 'new.run', ['error', 'message'])} end`],
  ]);
}

const COLUMNS = 'job_id, workflow_id, job_status, run_id, type, data, created_at';

/** SQLite: an append of the event `kind` (an expression over `new`, null for none) with `data`, fenced by the job's run. */
const sqliteAppend = (kind: string, data: (kind: string) => string) => `
    insert into job_events (${COLUMNS})
    select jobs.job_id, jobs.workflow_id, jobs.status, new.run_id, e.kind, e.data, new.updated_at
    from jobs, (select k.kind, ${data('k.kind')} as data from (select ${kind} as kind) k) e
    where jobs.job_id = new.job_id and jobs.run_id is new.run_id and e.kind is not null;`;

/**
 * SQLite: each trigger appends in its statement. SQLite's writers are serial, so ids (a rowid
 * with AUTOINCREMENT) are in commit order.
 */
function sqliteTriggers(): string[] {
  const stepData = (kind: string) => stepEventData('sqlite', kind);
  return [
    `create trigger jobs_run_events after update of run_id on jobs for each row
      when new.run_id is not old.run_id
      begin ${sqliteAppend(`case when new.run_id is null then 'job.reset' else 'job.started' end`, () => `'{}'`)} end`,
    `create trigger jobs_header_events after update of run on jobs for each row
      when new.run_id is not null and new.run_id is old.run_id and new.run is not null
      begin ${sqliteAppend(headerEvent('sqlite'), (kind) => headerEventData('sqlite', kind))} end`,
    `create trigger step_runs_insert_events after insert on step_runs for each row
      when new.reused_from_run is null
      begin ${sqliteAppend(STEP_STATUS_EVENT, stepData)} end`,
    `create trigger step_runs_update_events after update on step_runs for each row
      when ${STEP_MOVED}
      begin ${sqliteAppend(STEP_STATUS_EVENT, stepData)} end`,
    `create trigger step_runs_progress_events after update of progress on step_runs for each row
      when ${STEP_PROGRESSED}
      begin ${sqliteAppend(`'step.progress'`, stepData)} end`,
  ];
}

/** PostgreSQL: the body of a trigger function appending the event `kind` with `data`, under the append lock, fenced by the job's run. */
const postgresAppend = (kind: string, data: (kind: string) => string) => `
    declare kind text := ${kind};
    begin
      if kind is null then return null; end if;
      perform pg_advisory_xact_lock(${EVENT_APPEND_LOCK});
      insert into job_events (${COLUMNS})
      select job_id, workflow_id, status, new.run_id, kind, ${data('kind')}, new.updated_at
      from jobs where job_id = new.job_id and run_id is not distinct from new.run_id;
      return null;
    end`;

/** PostgreSQL: a trigger function (`create`, or `create or replace` one a trigger already calls). */
const postgresFunction = (create: 'create' | 'create or replace', name: string, body: string) =>
  `${create} function ${name}() returns trigger language plpgsql as $$ ${body} $$`;

/** PostgreSQL: a deferred constraint trigger (see {@link postgresTriggers}). */
const postgresTrigger = (name: string, event: string, table: string, when: string, func: string) =>
  `create constraint trigger ${name} after ${event} on ${table} deferrable initially deferred
      for each row when (${when}) execute function ${func}()`;

/**
 * PostgreSQL: deferred constraint triggers, so every append runs at its transaction's commit
 * (a single statement's at its end), after all the row locks the transaction takes. Each
 * append first takes one transaction-scoped advisory lock, held to the commit: ids, from a
 * sequence, are handed out in lock order, and so in commit order. Taken last, the lock never
 * waits inside a transaction that holds a row another writer waits for (no deadlock).
 */
function postgresTriggers(): string[] {
  const stepData = (kind: string) => stepEventData('postgres', kind);
  const fn = (name: string, body: string) => postgresFunction('create', name, body);
  return [
    fn(
      'ordo_job_run_event',
      postgresAppend(`case when new.run_id is null then 'job.reset' else 'job.started' end`, () => `'{}'`),
    ),
    postgresTrigger(
      'jobs_run_events',
      'update of run_id',
      'jobs',
      'new.run_id is distinct from old.run_id',
      'ordo_job_run_event',
    ),
    fn(
      'ordo_job_header_event',
      postgresAppend(headerEvent('postgres'), (kind) => headerEventData('postgres', kind)),
    ),
    postgresTrigger(
      'jobs_header_events',
      'update of run',
      'jobs',
      'new.run_id is not null and new.run_id = old.run_id and new.run is not null',
      'ordo_job_header_event',
    ),
    fn('ordo_step_run_event', postgresAppend(STEP_STATUS_EVENT, stepData)),
    postgresTrigger(
      'step_runs_insert_events',
      'insert',
      'step_runs',
      'new.reused_from_run is null',
      'ordo_step_run_event',
    ),
    postgresTrigger('step_runs_update_events', 'update', 'step_runs', STEP_MOVED, 'ordo_step_run_event'),
    fn('ordo_step_progress_event', postgresAppend(`'step.progress'`, stepData)),
    postgresTrigger(
      'step_runs_progress_events',
      'update of progress',
      'step_runs',
      STEP_PROGRESSED,
      'ordo_step_progress_event',
    ),
  ];
}

/**
 * Creates the triggers that write the job event log, in the dialect of `db`: migration 0008's,
 * as released (a change to them is a new migration, as 0009's {@link replaceStepProgressTrigger}).
 */
export async function createJobEventTriggers(db: Kysely<unknown>, postgres: boolean): Promise<void> {
  for (const statement of postgres ? postgresTriggers() : sqliteTriggers()) {
    await sql.raw<unknown>(statement).execute(db);
  }
}

/**
 * Whether the update of step row `old` into `new` is a progress report of its running attempt,
 * from migration 0009 on: its message or its fraction changed (a tool may report a new fraction
 * with the same message).
 */
function stepProgressedWithFraction(dialect: Dialect): string {
  const differs = dialect === 'postgres' ? 'is distinct from' : 'is not';
  return `(new.status = 'InProgress' and old.status = 'InProgress' and new.attempt = old.attempt
    and new.progress is not null
    and (new.progress ${differs} old.progress or new.progress_fraction ${differs} old.progress_fraction))`;
}

/**
 * Migration 0009: `step.progress` carries the fraction the tool reported (`data.fraction`, left
 * out when it gave none), and a new fraction under the same message is an event too. Only the
 * progress trigger changes: it is dropped and created again (on PostgreSQL its function is
 * replaced), the other triggers stay as 0008 made them.
 */
export async function replaceStepProgressTrigger(db: Kysely<unknown>, postgres: boolean): Promise<void> {
  const dialect: Dialect = postgres ? 'postgres' : 'sqlite';
  const data = (kind: string) => stepEventData(dialect, kind, [['fraction', 'new.progress_fraction']]);
  const statements = postgres
    ? [
        'drop trigger step_runs_progress_events on step_runs',
        postgresFunction('create or replace', 'ordo_step_progress_event', postgresAppend(`'step.progress'`, data)),
        postgresTrigger(
          'step_runs_progress_events',
          'update of progress, progress_fraction',
          'step_runs',
          stepProgressedWithFraction(dialect),
          'ordo_step_progress_event',
        ),
      ]
    : [
        'drop trigger step_runs_progress_events',
        `create trigger step_runs_progress_events after update of progress, progress_fraction on step_runs for each row
      when ${stepProgressedWithFraction(dialect)}
      begin ${sqliteAppend(`'step.progress'`, data)} end`,
      ];
  for (const statement of statements) await sql.raw<unknown>(statement).execute(db);
}
