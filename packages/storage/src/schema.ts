import type { Generated } from 'kysely';

/** Table types of Ordo's database. JSON columns hold text; the repositories parse them with zod. */
export interface WorkflowTable {
  workflow_id: string;
  version: number;
  name: string;
  description: string | null;
  status: string;
  definition: string;
  created_at: string;
  updated_at: string;
}

export interface FileTable {
  file_id: string;
  name: string;
  mime_type: string;
  size: number;
  sha256: string;
  created_at: string;
}

export interface JobTable {
  job_id: string;
  workflow_id: string;
  workflow_version: number;
  name: string;
  description: string | null;
  status: string;
  created_at: string;
  updated_at: string;
  started_at: string | null;
  completed_at: string | null;
  input_variables: string;
  input_values: string;
  input_errors: string;
  steps: string;
  execution_progress: string;
  live_output: string;
  output_data: string;
  error_message: string | null;
  /** Bumped on every write; lets tests and future optimistic locking see concurrent writers. */
  revision: Generated<number>;
}

export interface Database {
  workflows: WorkflowTable;
  files: FileTable;
  jobs: JobTable;
}
