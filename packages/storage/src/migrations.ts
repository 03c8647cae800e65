import type { Kysely, Migration, MigrationProvider } from 'kysely';


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
        .addForeignKeyConstraint('jobs_workflow_fk', ['workflow_id', 'workflow_version'], 'workflows', ['workflow_id', 'version'])
        .execute();
      await db.schema.createIndex('jobs_workflow_idx').on('jobs').columns(['workflow_id', 'created_at']).execute();
      await db.schema.createIndex('jobs_created_idx').on('jobs').columns(['created_at', 'job_id']).execute();
    },
  },
};

/** Supplies the migrations from code, so no migration files need to ship beside the bundle. */
export const migrationProvider: MigrationProvider = {
  getMigrations: () => Promise.resolve(migrations),
};
