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
  /** Bumped on every write of the version; publishing is conditional on the revision it checked. */
  revision: Generated<number>;
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
  /** The job's step definitions, in execution order (JSON). */
  steps: string;
  /** The job's current run, if any; every write of run state is fenced by it. */
  run_id: string | null;
  /** The current run's header (JSON `RunHeader`), written only by that run. */
  run: string | null;
  correlation_id: Generated<string>;
  context: Generated<string>;
  parent_job_id: string | null;
  root_job_id: string | null;
  output_variables: Generated<string>;
  /** Bumped on every write; lets tests and future optimistic locking see concurrent writers. */
  revision: Generated<number>;
}

/** One run of a job: a start, or a retry from a failed step. */
export interface RunTable {
  run_id: string;
  job_id: string;
  /** The run's `RunStatus`. */
  status: string;
  started_at: string;
  completed_at: string | null;
  retry_of_run_id: string | null;
  from_step_index: number | null;
}

/** One step of one run (the persisted `StepRun`); JSON columns hold text. */
export interface StepRunTable {
  run_id: string;
  step_index: number;
  job_id: string;
  step_id: string;
  type: string;
  status: string;
  attempt: number;
  max_attempts: number | null;
  started_at: string | null;
  completed_at: string | null;
  failed_at: string | null;
  due_at: string | null;
  progress: string | null;
  note: string | null;
  reused_from_run: string | null;
  outputs: string | null;
  error: string | null;
  children: string | null;
  updated_at: string;
}

export interface Database {
  workflows: WorkflowTable;
  files: FileTable;
  jobs: JobTable;
  runs: RunTable;
  step_runs: StepRunTable;
}
