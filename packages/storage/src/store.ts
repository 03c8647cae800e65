import { join } from 'node:path';
import { sql } from 'kysely';
import { openDatabase, type OrdoDatabase } from './database';
import { FileStore } from './file-store';
import { JobRepository } from './job-repository';
import { WorkflowRepository } from './workflow-repository';

/** Everything Ordo persists, opened from one data folder. */
export interface OrdoStore {
  db: OrdoDatabase;
  workflows: WorkflowRepository;
  jobs: JobRepository;
  files: FileStore;
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Opens the store under a data folder: `ordo.db` (SQLite) and `files/` (uploaded bytes).
 * The API and the worker each open it; SQLite's locking makes that safe.
 */
export async function openStore(dataDir: string): Promise<OrdoStore> {
  const db = await openDatabase(join(dataDir, 'ordo.db'));
  return {
    db,
    workflows: new WorkflowRepository(db),
    jobs: new JobRepository(db),
    files: new FileStore(db, join(dataDir, 'files')),
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    close: () => db.destroy(),
  };
}
