import { z } from 'zod';
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
