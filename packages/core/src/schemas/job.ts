import { z } from 'zod';
import { HumanConfirmStep, StepDefinition, SubWorkflowStep, ToolStep, WaitStep } from './step-definition';
import { Variables } from './schema-value';
import { JobStatus, JobStepStatus } from './status';
import { Identifier, InputVariable, NO_CONTROL_EXCEPT_WHITESPACE, PlainText } from './variable-schema';

/** The body of `POST /v1/jobs` (seed 002's CreateJobRequest, docs/contract.md). */
export const CreateJobRequest = z.strictObject({
  workflow_id: Identifier,
  /** The version to run; the latest PUBLISHED one when absent. */
  workflow_version: z.number().int().positive().optional(),
  name: PlainText.min(1).max(200),
  description: z
    .string()
    .max(10_000)
    .regex(NO_CONTROL_EXCEPT_WHITESPACE, 'must not contain control characters (other than tab and line breaks)')
    .optional(),
  /** The workflow's input variables as the caller knows them; checked against the published version. */
  input_variables: z.array(InputVariable).optional(),
  /** Global data for expressions (`__context__`) and child jobs, e.g. `{ "customerId": "123" }`. */
  context: z.record(z.string(), z.unknown()).optional(),
  /** Input values set with the creation, each checked as setting it alone is: an invalid one refuses the whole request. */
  input_values: z.record(z.string(), z.unknown()).optional(),
  /**
   * Starts the job at once: seed 002's createJob and startJob in one request, answered 202
   * with the job RUNNING. Every required input must then be set and valid (422 otherwise,
   * and nothing is created).
   */
  start: z.boolean().optional(),
});
export type CreateJobRequest = z.infer<typeof CreateJobRequest>;

/** The body of `PUT /v1/jobs/{job_id}/inputs/{variable_id}`. */
export const SetInputValueRequest = z.strictObject({ value: z.unknown() });
export type SetInputValueRequest = z.infer<typeof SetInputValueRequest>;

/**
 * A job as stored: what it runs (a copy of the workflow version's steps, in execution
 * order) and its inputs. Its runs' state is stored beside it and written only by the
 * job workflow; this record is written by the API only while no run is in progress.
 */
export const JobRecord = z.object({
  job_id: z.string(),
  workflow_id: z.string(),
  workflow_version: z.number().int().positive(),
  name: z.string(),
  description: z.string().optional(),
  created_at: z.string(),
  updated_at: z.string(),
  input_variables: z.array(InputVariable),
  input_values: Variables,
  input_errors: z.record(z.string(), z.string()),
  /** The steps in execution order; `sequence_number` is each one's position. */
  steps: z.array(StepDefinition),
  /** The variables that make up `output_data` (the output rule, resolved when the job was created). */
  output_variables: z.array(z.string()),
  correlation_id: z.string(),
  context: z.record(z.string(), z.unknown()),
  parent_job_id: z.string().optional(),
  root_job_id: z.string().optional(),
  /** The Temporal Schedule whose action created this job (`/v1/schedules`), if one did. */
  schedule_id: z.string().optional(),
  /** The job's current run, if it was ever started and not reset since. */
  run_id: z.string().optional(),
});
export type JobRecord = z.infer<typeof JobRecord>;

export const ExecutionProgress = z.object({
  current_step: z.number().int().nonnegative(),
  total_steps: z.number().int().nonnegative(),
  is_paused: z.boolean(),
});
export type ExecutionProgress = z.infer<typeof ExecutionProgress>;

/** The runtime fields of a step in the Job view (seed 002). */
export const JobStepRuntime = z.object({
  job_id: z.string(),
  sequence_number: z.number().int().nonnegative(),
  status: JobStepStatus,
  output_data: Variables.optional(),
  error_message: z.string().optional(),
  started_at: z.string().optional(),
  completed_at: z.string().optional(),
  /** Attempts made; while running, the attempt in progress. */
  attempt: z.number().int().nonnegative(),
  /** The most attempts the step's retry policy allows. */
  max_attempts: z.number().int().positive().optional(),
  progress_fraction: z
    .number()
    .min(0)
    .max(1)
    .optional()
    .describe(
      "While the step runs: how far its attempt has got, 0 to 1, when its tool's last progress report said (the message is in the job's `live_output`)",
    ),
  /** A `sys.sub_workflow` step's child jobs, as they start (each a job of its own: `GET /v1/jobs/{id}`). */
  child_job_ids: z.array(z.string()).optional(),
});
export type JobStepRuntime = z.infer<typeof JobStepRuntime>;

/**
 * A workflow step copied into a job, with its runtime fields (seed 002): each step type's
 * schema extended with them (an intersection would pair a closed step object with fields it
 * refuses, which JSON Schema, and so the OpenAPI document, cannot express).
 */
export const JobStep = z.discriminatedUnion('type', [
  ToolStep.extend(JobStepRuntime.shape),
  HumanConfirmStep.extend(JobStepRuntime.shape),
  WaitStep.extend(JobStepRuntime.shape),
  SubWorkflowStep.extend(JobStepRuntime.shape),
]);
export type JobStep = z.infer<typeof JobStep>;

// Every step type must have its JobStep member: one added to the step union and not here fails to compile.
const jobStepCoversEveryType: [StepDefinition['type']] extends [JobStep['type']] ? true : false = true;
void jobStepCoversEveryType;

/** One run of a job: each start, reset-and-start or retry makes a new Temporal run under the job's workflow ID. */
export const RunSummary = z.object({
  run_id: z.string(),
  status: JobStatus,
  /** Set when the run ended because it was cancelled. */
  cancelled: z.boolean().optional(),
  started_at: z.string(),
  completed_at: z.string().optional(),
  /** For a retry: the run whose completed steps it reused, and the step it began at. */
  retry_of: z.object({ run_id: z.string(), from_step_index: z.number().int().nonnegative() }).optional(),
});
export type RunSummary = z.infer<typeof RunSummary>;

/** Where else a job can be seen. */
export const JobLinks = z.object({
  /**
   * The job's current run in the Temporal Web UI (`…/namespaces/{ns}/workflows/{job_id}/{run_id}/history`);
   * null while the job has never run (no workflow yet).
   */
  temporal_ui: z.string().nullable(),
});
export type JobLinks = z.infer<typeof JobLinks>;

/** A job as the API returns it (seeds 000 and 002). */
export const Job = z.object({
  job_id: z.string(),
  workflow_id: z.string(),
  workflow_version: z.number().int().positive(),
  name: z.string(),
  description: z.string().optional(),
  status: JobStatus,
  created_at: z.string(),
  updated_at: z.string(),
  started_at: z.string().optional(),
  completed_at: z.string().optional(),
  input_variables: z.array(InputVariable),
  input_values: Variables,
  input_errors: z.record(z.string(), z.string()),
  steps: z.array(JobStep),
  execution_progress: ExecutionProgress,
  live_output: z.string(),
  output_data: Variables,
  error_message: z.string().optional(),
  correlation_id: z.string(),
  context: z.record(z.string(), z.unknown()),
  /** The workflow that started this job as its child (an Ordo job's `job_id`, or another team's workflow ID). */
  parent_job_id: z.string().optional(),
  /** The top of that chain of parents. */
  root_job_id: z.string().optional(),
  /** The schedule (`/v1/schedules/{schedule_id}`) whose action created this job, if one did; it stays when the schedule is deleted. */
  schedule_id: z.string().optional(),
  runs: z.array(RunSummary),
  /**
   * Present and true when the job is running but its workflow could not be asked for its
   * live state in time: the view is then the last state the run persisted.
   */
  stale: z.boolean().optional(),
  links: JobLinks,
});
export type Job = z.infer<typeof Job>;

/** The seed view of a job as the model builds it: the API adds its `links`. */
export type JobView = Omit<Job, 'links'>;

/**
 * A job in a list (`GET /v1/jobs`): what it is and where it stands, without its steps,
 * inputs or outputs, so a page of 200 jobs stays small however large their documents.
 */
export const JobSummary = Job.pick({
  job_id: true,
  workflow_id: true,
  workflow_version: true,
  name: true,
  description: true,
  status: true,
  created_at: true,
  updated_at: true,
  started_at: true,
  completed_at: true,
  execution_progress: true,
  live_output: true,
  error_message: true,
  correlation_id: true,
  schedule_id: true,
  links: true,
});
export type JobSummary = z.infer<typeof JobSummary>;
