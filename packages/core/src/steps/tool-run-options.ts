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
