import { ActivityCancellationType, type ActivityOptions } from '@temporalio/workflow';
import { PLATFORM_STEP_DEFAULTS } from '../model/platform-defaults';
import type { StepRetryPolicy } from '../schemas/step';
import type { ToolStep } from '../schemas/step-definition';
import type { ToolRunDefaults } from '../schemas/tool-descriptor';

/** The options one tool step's activity runs with: the step's, else its tool's, else the platform's. */
export interface ToolRunOptions {
  retry: Required<StepRetryPolicy>;
  timeout_seconds: number;
  heartbeat_timeout_seconds: number;
  /** Unset: an attempt waits for a worker as long as it takes. */
  schedule_to_start_timeout_seconds?: number;
}

/** Resolves a tool step's run options field by field. */
export function toolRunOptions(step: ToolStep, tool: ToolRunDefaults): ToolRunOptions {
  return {
    retry: {
      ...PLATFORM_STEP_DEFAULTS.retry_policy,
      ...definedOnly(tool.retry_policy),
      ...definedOnly(step.retry_policy),
    },
    timeout_seconds: step.timeout_seconds ?? tool.timeout_seconds ?? PLATFORM_STEP_DEFAULTS.timeout_seconds,
    heartbeat_timeout_seconds:
      step.heartbeat_timeout_seconds ??
      tool.heartbeat_timeout_seconds ??
      PLATFORM_STEP_DEFAULTS.heartbeat_timeout_seconds,
    ...definedOnly({
      schedule_to_start_timeout_seconds:
        step.schedule_to_start_timeout_seconds ?? tool.schedule_to_start_timeout_seconds,
    }),
  };
}

function definedOnly<T extends object>(value: T | undefined): Partial<T> {
  return Object.fromEntries(Object.entries(value ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * A tool step's activity options from its run options: timeouts, retries, and waiting for the
 * tool to stop on cancellation (so nothing it does lands after the job's final record). The
 * same for a built-in tool and an external one; each adds where it goes and its summary.
 */
export function toolActivityOptions(options: ToolRunOptions): ActivityOptions {
  return {
    startToCloseTimeout: `${options.timeout_seconds} seconds`,
    heartbeatTimeout: `${options.heartbeat_timeout_seconds} seconds`,
    ...(options.schedule_to_start_timeout_seconds !== undefined && {
      scheduleToStartTimeout: `${options.schedule_to_start_timeout_seconds} seconds`,
    }),
    retry: {
      maximumAttempts: options.retry.maximum_attempts,
      initialInterval: options.retry.initial_interval_ms,
      backoffCoefficient: options.retry.backoff_coefficient,
      maximumInterval: options.retry.maximum_interval_ms,
    },
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  };
}
