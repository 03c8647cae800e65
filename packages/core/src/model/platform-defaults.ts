import type { StepRetryPolicy } from '../schemas/step';
/**
 * The platform's defaults for an activity step: used where neither the step nor its tool
 * says otherwise. Three attempts with exponential backoff; a heartbeat timeout of seconds
 * so an attempt on a crashed worker is retried quickly rather than after the whole timeout.
 */
export const PLATFORM_STEP_DEFAULTS = {
  retry_policy: { maximum_attempts: 3, initial_interval_ms: 1000, backoff_coefficient: 2, maximum_interval_ms: 30_000 },
  timeout_seconds: 300,
  heartbeat_timeout_seconds: 15,
} as const satisfies {
  retry_policy: Required<StepRetryPolicy>;
  timeout_seconds: number;
  heartbeat_timeout_seconds: number;
};
