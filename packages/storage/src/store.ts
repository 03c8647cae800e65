import { join } from 'node:path';
import { sql } from 'kysely';
import { DiskBlobStore } from './blob-store';
import { openDatabase, type OrdoDatabase } from './database';
import { FileStore } from './file-store';
import { IdempotencyRepository } from './idempotency-repository';
import { JobEventRepository } from './job-events';
import { JobRepository } from './job-repository';
import { RunRepository } from './run-repository';
import { dialectOf, parseStoreConfig, type DatabaseDialect, type StoreConfig } from './store-config';
import { ToolRepository } from './tool-repository';
import { WorkflowRepository } from './workflow-repository';

/** Everything Ordo persists, opened from one configuration. */
export interface OrdoStore {
  /** Which engine `db` runs on, for the rare query that must differ between them. */
  dialect: DatabaseDialect;
  db: OrdoDatabase;
  workflows: WorkflowRepository;
  /** Jobs as the API writes them (creation, inputs, reset), and every read of jobs and runs. */
  jobs: JobRepository;
  /** What a run writes: its claim, its header and step records, its attempts. */
  runs: RunRepository;
  /** The job event log the run writes append to: the event stream's source. */
  events: JobEventRepository;
  files: FileStore;
  /** The tool catalog: every registered version of every tool. */
  tools: ToolRepository;
  /** Idempotency-Key records of the API's retry-safe routes. */
  idempotency: IdempotencyRepository;
  /** Content-addressed bytes under `<dataDir>/blobs`: uploaded files' content and large job values. */
  blobs: DiskBlobStore;
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Opens the store: the database (SQLite `<dataDir>/ordo.db`, or PostgreSQL at
 * `databaseUrl`) and the blob store under `<dataDir>/blobs`. The API and the worker each
 * open it; SQLite's locking, or PostgreSQL's, makes that safe. The blob store is a local
 * folder either way, so both processes need the same `dataDir`.
 */
export async function openStore(config: StoreConfig): Promise<OrdoStore> {
  const parsed = parseStoreConfig(config);
  const db = await openDatabase(parsed);
  const blobs = new DiskBlobStore(join(parsed.dataDir, 'blobs'));
  return {
    dialect: dialectOf(parsed),
    db,
    workflows: new WorkflowRepository(db),
    jobs: new JobRepository(db),
    runs: new RunRepository(db),
    events: new JobEventRepository(db),
    files: new FileStore(db, blobs, join(parsed.dataDir, 'files')),
    tools: new ToolRepository(db),
    idempotency: new IdempotencyRepository(db),
    blobs,
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    close: () => db.destroy(),
  };
}
