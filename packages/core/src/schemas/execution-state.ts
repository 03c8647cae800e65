import { z } from 'zod';
import { SchemaValue, Variables } from './schema-value';
import { JobStatus } from './status';

/** The result of one executed step (seed 000 `StepExecutionResult`, with seed 002's `step_id`, docs/contract.md). */
export const StepExecutionResult = z.object({
  step_id: z.string(),
  success: z.boolean(),
  error: z.string().optional(),
  outputs: z.record(z.string(), SchemaValue),
  started_at: z.string(),
  completed_at: z.string().optional(),
});
export type StepExecutionResult = z.infer<typeof StepExecutionResult>;

/** Seed 000's `JobContext.executionState`: what the `executionState` query answers. */
export const ExecutionState = z.object({
  status: JobStatus,
  current_step_index: z.number().int().nonnegative(),
  total_steps: z.number().int().nonnegative(),
  is_paused: z.boolean(),
  live_output: z.string(),
  variables: Variables,
  step_results: z.array(StepExecutionResult),
});
export type ExecutionState = z.infer<typeof ExecutionState>;
