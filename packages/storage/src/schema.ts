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
  /** The Temporal Schedule whose action created the job, if one did. */
  schedule_id: Generated<string | null>;
  output_variables: Generated<string>;
  /** Bumped on every write; lets tests and future optimistic locking see concurrent writers. */
  revision: Generated<number>;
  /** The Idempotency-Key that created the job (a digest of caller and key; unique), or null. */
  idempotency_id: string | null;
  /** The digest of the request that created the job under that key. */
  idempotency_request_hash: string | null;
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
  /** How far the running attempt has got, 0 to 1, when its tool said (migration 0009). */
  progress_fraction: number | null;
  note: string | null;
  reused_from_run: string | null;
  outputs: string | null;
  error: string | null;
  children: string | null;
  updated_at: string;
}

/**
 * One `Idempotency-Key` of one caller: the request it was first used with (a digest) and,
 * once that request completed, its response, replayed to every retry until `expires_at`.
 */
export interface IdempotencyKeyTable {
  /** A digest of the caller's API key (never the key), or `anonymous`. */
  principal: string;
  idempotency_key: string;
  /** SHA-256 of the method, path and body of the first request. */
  request_hash: string;
  /** `in_flight` while the first request runs, `done` once its response is stored. */
  state: string;
  /** Who runs the request now; a completion is stored only under its own lease. */
  lease_token: string | null;
  /** The lease: its request renews it while it runs; not done nor renewed by then, it is taken to have died with its process. */
  locked_until: string;
  response_status: number | null;
  /** The response headers worth replaying (JSON object). */
  response_headers: string | null;
  response_body: string | null;
  created_at: string;
  expires_at: string;
}

/** A file a job's input values name: what `DELETE /v1/files/{id}` looks up instead of every job's JSON. */
export interface JobFileTable {
  job_id: string;
  file_id: string;
}

/** One version of a tool in the catalog; JSON columns hold text. */
export interface ToolTable {
  tool_id: string;
  /** A semver string; the catalog orders versions in code. */
  version: string;
  name: string;
  description: string;
  parameters: string;
  outputs: string;
  task_queue: string;
  activity_type: string;
  defaults: string;
  /** 1 for a tool Ordo's own worker serves (registered by `registerBuiltinTools`), else 0. */
  builtin: Generated<number>;
  /** 1 once deprecated (no new publishes pick it), else 0. */
  deprecated: Generated<number>;
  registered_at: string;
}

/**
 * One event of a job's run, appended in the transaction of the run-state write that implies
 * it (`job-events.ts`), never updated: the event stream's source. `event_id` is global and
 * increases in commit order (PostgreSQL's writers serialise their appends), so a reader
 * tailing `event_id > cursor` never skips a row that commits late.
 */
export interface JobEventTable {
  event_id: Generated<number>;
  job_id: string;
  /** The job's workflow, copied from the job row, so a dashboard's filter needs no join. */
  workflow_id: string;
  /** The job's status (`PENDING`, `RUNNING`, …) right after the write. */
  job_status: string;
  /** The run the write belongs to, or null (a reset's job has none). */
  run_id: string | null;
  /** `job.started`, `step.completed`, … (`JobEventType`). */
  type: string;
  /** The event's own fields (JSON object): the step, attempt, message, error. */
  data: string;
  created_at: string;
}

export interface Database {
  workflows: WorkflowTable;
  files: FileTable;
  jobs: JobTable;
  runs: RunTable;
  step_runs: StepRunTable;
  idempotency_keys: IdempotencyKeyTable;
  job_files: JobFileTable;
  tools: ToolTable;
  job_events: JobEventTable;
}
