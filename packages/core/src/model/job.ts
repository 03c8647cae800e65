import { z } from 'zod';
import { SchemaValue, Variables } from './schema-value';
import { JobStatus } from './status';
import { ToolStep } from './step';
import { Identifier, InputVariable } from './variable-schema';

/** The body of `POST /v1/jobs` (seed 002's CreateJobRequest). */
export const CreateJobRequest = z.strictObject({
  workflow_id: Identifier,
  name: z.string().min(1).max(200),
  description: z.string().max(10_000).optional(),
  /** The workflow's input variables as the caller knows them; checked against the published version. */
  input_variables: z.array(InputVariable).optional(),
});
export type CreateJobRequest = z.infer<typeof CreateJobRequest>;

/** The body of `PUT /v1/jobs/{job_id}/inputs/{variable_id}`. */
export const SetInputValueRequest = z.strictObject({ value: SchemaValue });
export type SetInputValueRequest = z.infer<typeof SetInputValueRequest>;

export const ExecutionProgress = z.object({
  current_step: z.number().int().nonnegative(),
  total_steps: z.number().int().nonnegative(),
  is_paused: z.boolean(),
});
export type ExecutionProgress = z.infer<typeof ExecutionProgress>;

/** The runtime part of one job step, as the job workflow reports it. */
export const StepRuntime = z.object({
  step_id: z.string(),
  status: JobStatus,
  output_data: z.record(z.string(), SchemaValue).optional(),
  error_message: z.string().optional(),
  started_at: z.string().optional(),
  completed_at: z.string().optional(),
});
export type StepRuntime = z.infer<typeof StepRuntime>;

/** A workflow step copied into a job when the job is created, with its runtime fields. */
export const JobStep = ToolStep.extend({
  job_id: z.string(),
  sequence_number: z.number().int().nonnegative(),
  ...StepRuntime.omit({ step_id: true }).shape,
});
export type JobStep = z.infer<typeof JobStep>;

/** A job as the API returns it (seed 002). */
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
});
export type Job = z.infer<typeof Job>;
