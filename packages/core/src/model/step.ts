import { z } from 'zod';
import { Identifier } from './variable-schema';

/** How often a step's activity is tried before the step fails. Unset fields fall back to the tool's, then the platform's. */
export const StepRetryPolicy = z.strictObject({
  maximum_attempts: z.number().int().min(1).max(100).optional(),
  initial_interval_ms: z.number().int().min(10).max(3_600_000).optional(),
  backoff_coefficient: z.number().min(1).max(10).optional(),
  maximum_interval_ms: z.number().int().min(10).max(86_400_000).optional(),
});
export type StepRetryPolicy = z.infer<typeof StepRetryPolicy>;

/** Fields every step type has, whatever it does. */
export const StepBase = {
  step_id: Identifier,
  name: z.string().min(1).max(200).optional(),
  sequence_number: z.number().int().nonnegative().optional(),
};

/** Step run settings that apply to any step that runs an activity. */
export const StepRunSettings = {
  retry_policy: StepRetryPolicy.optional(),
  timeout_seconds: z.number().int().min(1).max(86_400).optional(),
  heartbeat_timeout_seconds: z.number().int().min(1).max(3_600).optional(),
};

