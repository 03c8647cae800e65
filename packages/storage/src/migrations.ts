import { fileIdsIn, InputVariable } from '@ordo/core';
import { PostgresAdapter, sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import { z } from 'zod';
import { createJobEventTriggers, replaceStepProgressTrigger } from './job-event-triggers';

// Migrations are code, in order, never edited once released: a new change is a new entry.
const migrations: Record<string, Migration> = {
  '0001_initial': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('workflows')
        .addColumn('workflow_id', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('description', 'text')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('definition', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('workflows_pk', ['workflow_id', 'version'])
        .execute();
      await db.schema
        .createTable('files')
        .addColumn('file_id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('mime_type', 'text', (c) => c.notNull())
        .addColumn('size', 'integer', (c) => c.notNull())
        .addColumn('sha256', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('jobs')
        .addColumn('job_id', 'text', (c) => c.primaryKey())
        .addColumn('workflow_id', 'text', (c) => c.notNull())
        .addColumn('workflow_version', 'integer', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('description', 'text')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('started_at', 'text')
        .addColumn('completed_at', 'text')
        .addColumn('input_variables', 'text', (c) => c.notNull())
        .addColumn('input_values', 'text', (c) => c.notNull())
        .addColumn('input_errors', 'text', (c) => c.notNull())
        .addColumn('steps', 'text', (c) => c.notNull())
        .addColumn('execution_progress', 'text', (c) => c.notNull())
        .addColumn('live_output', 'text', (c) => c.notNull())
        .addColumn('output_data', 'text', (c) => c.notNull())
        .addColumn('error_message', 'text')
        .addColumn('revision', 'integer', (c) => c.notNull().defaultTo(0))
        .addForeignKeyConstraint('jobs_workflow_fk', ['workflow_id', 'workflow_version'], 'workflows', [
          'workflow_id',
          'version',
        ])
        .execute();
      await db.schema.createIndex('jobs_workflow_idx').on('jobs').columns(['workflow_id', 'created_at']).execute();
      await db.schema.createIndex('jobs_created_idx').on('jobs').columns(['created_at', 'job_id']).execute();
    },
  },
  '0002_job_runs': {
    // A job's runs get their own state: the job row keeps what the API writes (definition,
    // inputs) plus the current run's header, written only by that run; each run is a row in
    // `runs`, and each step of each run a row in `step_runs`, so a write is one row, however
    // long the job, and an old run's late writes land on its own rows, never the new run's.
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('jobs').addColumn('run_id', 'text').execute();
      await db.schema.alterTable('jobs').addColumn('run', 'text').execute();
      await db.schema
        .alterTable('jobs')
        .addColumn('correlation_id', 'text', (c) => c.notNull().defaultTo(''))
        .execute();
      await db.schema
        .alterTable('jobs')
        .addColumn('context', 'text', (c) => c.notNull().defaultTo('{}'))
        .execute();
      await db.schema.alterTable('jobs').addColumn('parent_job_id', 'text').execute();
      await db.schema.alterTable('jobs').addColumn('root_job_id', 'text').execute();
      await db.schema
        .alterTable('jobs')
        .addColumn('output_variables', 'text', (c) => c.notNull().defaultTo('[]'))
        .execute();
      for (const column of ['execution_progress', 'live_output', 'output_data', 'error_message']) {
        await db.schema.alterTable('jobs').dropColumn(column).execute();
      }
      await db.schema
        .createTable('runs')
        .addColumn('run_id', 'text', (c) => c.primaryKey())
        .addColumn('job_id', 'text', (c) => c.notNull().references('jobs.job_id').onDelete('cascade'))
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('started_at', 'text', (c) => c.notNull())
        .addColumn('completed_at', 'text')
        .addColumn('retry_of_run_id', 'text')
        .addColumn('from_step_index', 'integer')
        .execute();
      await db.schema.createIndex('runs_job_idx').on('runs').columns(['job_id', 'started_at']).execute();
      await db.schema
        .createTable('step_runs')
        .addColumn('run_id', 'text', (c) => c.notNull().references('runs.run_id').onDelete('cascade'))
        .addColumn('step_index', 'integer', (c) => c.notNull())
        .addColumn('job_id', 'text', (c) => c.notNull())
        .addColumn('step_id', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('attempt', 'integer', (c) => c.notNull())
        .addColumn('max_attempts', 'integer')
        .addColumn('started_at', 'text')
        .addColumn('completed_at', 'text')
        .addColumn('failed_at', 'text')
        .addColumn('due_at', 'text')
        .addColumn('progress', 'text')
        .addColumn('note', 'text')
        .addColumn('reused_from_run', 'text')
        .addColumn('outputs', 'text')
        .addColumn('error', 'text')
        .addColumn('children', 'text')
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('step_runs_pk', ['run_id', 'step_index'])
        .execute();
    },
  },
  '0003_workflow_versions': {
    // Versions change state (DRAFT → PUBLISHED → ARCHIVED) and drafts are edited, each by one
    // conditional UPDATE: `revision` lets publishing require the draft it checked to be the
    // one it publishes. The index serves "the latest version with this status" per workflow.
    async up(db: Kysely<unknown>) {
      await db.schema
        .alterTable('workflows')
        .addColumn('revision', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema
        .createIndex('workflows_status_idx')
        .on('workflows')
        .columns(['workflow_id', 'status', 'version'])
        .execute();
    },
  },
  '0004_idempotency_keys': {
    // Idempotency-Key records live in the database, not in a process, so a retry is answered
    // the same after an API restart and by any API instance sharing the database.
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('idempotency_keys')
        .addColumn('principal', 'text', (c) => c.notNull())
        .addColumn('idempotency_key', 'text', (c) => c.notNull())
        .addColumn('request_hash', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('lease_token', 'text')
        .addColumn('locked_until', 'text', (c) => c.notNull())
        .addColumn('response_status', 'integer')
        .addColumn('response_headers', 'text')
        .addColumn('response_body', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('idempotency_keys_pk', ['principal', 'idempotency_key'])
        .execute();
      await db.schema.createIndex('idempotency_keys_expires_idx').on('idempotency_keys').column('expires_at').execute();
    },
  },
  '0004b_job_files': {
    // Which files each job's inputs name, written with the inputs, so deleting a file asks
    // one indexed table instead of parsing every job's JSON. The foreign key to files (no
    // cascade) makes a file row undeletable while a reference to it exists, and on
    // PostgreSQL makes a reference being written and a delete wait for each other.
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('job_files')
        .addColumn('job_id', 'text', (c) => c.notNull().references('jobs.job_id').onDelete('cascade'))
        .addColumn('file_id', 'text', (c) => c.notNull().references('files.file_id'))
        .addPrimaryKeyConstraint('job_files_pk', ['job_id', 'file_id'])
        .execute();
      await db.schema.createIndex('job_files_file_idx').on('job_files').columns(['file_id', 'job_id']).execute();
      await backfillJobFiles(db);
    },
  },
  '0005_job_idempotency': {
    // The Idempotency-Key that created a job names it for the job's whole life, not only for
    // the stored response's 24 hours: its identity (a digest of the caller and the key) and
    // the request's digest are written with the job, in the insert itself. Unique, so two
    // requests with one key can never both insert; NULL (no key) repeats freely on both engines.
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('jobs').addColumn('idempotency_id', 'text').execute();
      await db.schema.alterTable('jobs').addColumn('idempotency_request_hash', 'text').execute();
      await db.schema.createIndex('jobs_idempotency_idx').unique().on('jobs').column('idempotency_id').execute();
    },
  },
  '0006_tools': {
    // The tool catalog: one row per tool version, immutable but for `deprecated` (`builtin` and
    // `deprecated` are 0 or 1 on both engines). Versions are semver strings, ordered in code; a catalog is small.
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('tools')
        .addColumn('tool_id', 'text', (c) => c.notNull())
        .addColumn('version', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('parameters', 'text', (c) => c.notNull())
        .addColumn('outputs', 'text', (c) => c.notNull())
        .addColumn('task_queue', 'text', (c) => c.notNull())
        .addColumn('activity_type', 'text', (c) => c.notNull())
        .addColumn('defaults', 'text', (c) => c.notNull())
        .addColumn('builtin', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('deprecated', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('registered_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('tools_pk', ['tool_id', 'version'])
        .execute();
    },
  },
  '0007_job_schedule': {
    // The Temporal Schedule that started a job, if one did: `GET /v1/jobs?schedule_id=` lists them.
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('jobs').addColumn('schedule_id', 'text').execute();
      await db.schema.createIndex('jobs_schedule_idx').on('jobs').columns(['schedule_id', 'created_at']).execute();
    },
  },
  '0008_job_events': {
    // The event stream's source: an append-only log written with the run state (see
    // `job-events.ts`). An identity column on PostgreSQL, a rowid alias with AUTOINCREMENT on
    // SQLite (never reused after a delete), so ids only grow. Deleting a job deletes its events.
    async up(db: Kysely<unknown>) {
      const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
      await db.schema
        .createTable('job_events')
        .addColumn('event_id', postgres ? 'bigserial' : 'integer', (c) =>
          postgres ? c.primaryKey() : c.primaryKey().autoIncrement(),
        )
        .addColumn('job_id', 'text', (c) => c.notNull().references('jobs.job_id').onDelete('cascade'))
        .addColumn('workflow_id', 'text', (c) => c.notNull())
        .addColumn('job_status', 'text', (c) => c.notNull())
        .addColumn('run_id', 'text')
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('data', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('job_events_job_idx').on('job_events').columns(['job_id', 'event_id']).execute();
      // Appended by triggers in the statements that write the state (`job-event-triggers.ts`):
      // each run-state write stays the one statement it was, and SQLite's write lock is never
      // held across an await for an event.
      await createJobEventTriggers(db, postgres);
    },
  },
  '0009_progress_fraction': {
    // How far a running attempt has got, as its tool reported it (0 to 1), beside its progress
    // message: written, fenced and cleared with the message. A double on both engines (SQLite's
    // REAL is one). `step.progress` events carry it (`replaceStepProgressTrigger`).
    async up(db: Kysely<unknown>) {
      const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
      await db.schema
        .alterTable('step_runs')
        .addColumn('progress_fraction', postgres ? 'double precision' : 'real', (c) =>
          c.check(sql`progress_fraction >= 0 and progress_fraction <= 1`),
        )
        .execute();
      await replaceStepProgressTrigger(db, postgres);
    },
  },
};

const StoredInputs = z.object({ job_id: z.string(), input_variables: z.string(), input_values: z.string() });

/** References for the jobs stored before `job_files` existed, to files that still exist. */
async function backfillJobFiles(db: Kysely<unknown>): Promise<void> {
  const rows =
    await sql<unknown>`select job_id, input_variables, input_values from jobs where input_values <> '{}'`.execute(db);
  for (const raw of rows.rows) {
    const row = StoredInputs.parse(raw);
    const variables = z.array(InputVariable).safeParse(JSON.parse(row.input_variables));
    const values = JSON.parse(row.input_values) as Record<string, unknown>;
    if (!variables.success) continue;
    const ids = [...new Set(variables.data.flatMap((v) => fileIdsIn(v.schema, values[v.variable_id])))];
    for (const fileId of ids) {
      await sql`insert into job_files (job_id, file_id) select ${row.job_id}, file_id from files where file_id = ${fileId}`.execute(
        db,
      );
    }
  }
}

/** Supplies the migrations from code, so no migration files need to ship beside the bundle. */
export const migrationProvider: MigrationProvider = {
  getMigrations: () => Promise.resolve(migrations),
};
