import { z } from 'zod';
import type { Job } from './job';
import { Variables } from './schema-value';
import { StepDefinition } from './step';
import { InputVariable } from './variable-schema';

/**
 * Everything a job workflow needs, carried in its start arguments so that a run is
 * self-contained: the API, the Temporal CLI or a parent workflow can start one.
 */
export const JobWorkflowInput = z.object({
  job_id: z.string().min(1),
  workflow_id: z.string().min(1),
  workflow_version: z.number().int().positive(),
  input_variables: z.array(InputVariable),
  input_values: Variables,
  steps: z.array(StepDefinition).min(1),
});
export type JobWorkflowInput = z.infer<typeof JobWorkflowInput>;

/** The start arguments of a job's workflow: the job's definition part, without runtime fields. */
export function jobWorkflowInput(job: Job): JobWorkflowInput {
  return {
    job_id: job.job_id,
    workflow_id: job.workflow_id,
    workflow_version: job.workflow_version,
    input_variables: job.input_variables,
    input_values: job.input_values,
    steps: job.steps.map(({ job_id: _j, status: _s, output_data: _o, error_message: _e, started_at: _sa, completed_at: _ca, ...step }) => step),
  };
}
