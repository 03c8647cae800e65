import { z } from 'zod';
import { durationMs } from '../model/duration';
import { Identifier } from './variable-schema';

/** How often a step's activity is tried before the step fails. Unset fields fall back to the tool's, then the platform's. */
export const StepRetryPolicy = z.strictObject({
  maximum_attempts: z.number().int().min(1).max(100).optional(),
  initial_interval_ms: z.number().int().min(10).max(3_600_000).optional(),
  backoff_coefficient: z.number().min(1).max(10).optional(),
  maximum_interval_ms: z.number().int().min(10).max(86_400_000).optional(),
});
export type StepRetryPolicy = z.infer<typeof StepRetryPolicy>;

/**
 * Whether a step runs: `{ "enabled": false }` turns it off; `{ "when": "<JSONata>" }` runs it
 * only when the expression, evaluated as the step is reached, is true (JSONata's truth:
 * empty strings, arrays and objects, 0, null and no value are false). A step that is off
 * is `Disabled` and records why.
 */
export const ActivationPolicy = z.union([
  z.strictObject({ enabled: z.boolean() }),
  z.strictObject({ when: z.string().min(1, 'must be a JSONata expression').max(10_000) }),
]);
export type ActivationPolicy = z.infer<typeof ActivationPolicy>;

/** Fields every step type has, whatever it does. */
export const StepBase = {
  step_id: Identifier,
  name: z.string().min(1).max(200).optional(),
  sequence_number: z.number().int().nonnegative().optional(),
  activation_policy: ActivationPolicy.optional(),
};

/** Step run settings that apply to any step that runs an activity. */
export const StepRunSettings = {
  retry_policy: StepRetryPolicy.optional(),
  timeout_seconds: z.number().int().min(1).max(86_400).optional(),
  heartbeat_timeout_seconds: z.number().int().min(1).max(3_600).optional(),
  /** How long an attempt may wait for a worker to take it before the step fails; unset, it waits. */
  schedule_to_start_timeout_seconds: z.number().int().min(1).max(86_400).optional(),
};

/** A duration such as `"30s"`, `"15m"`, `"2h"`, `"7d"` (see `duration.ts`), more than 0 and at most a year. */
export const Duration = z
  .string()
  .refine(
    (text) => durationMs(text) !== undefined,
    'must be a duration such as "30s", "15m", "2h" or "7d" (units ms, s, m, h, d), more than 0 and at most a year',
  );
export type Duration = z.infer<typeof Duration>;
