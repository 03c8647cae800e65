import { z } from 'zod';
import { SchemaValue } from './schema-value';
import { Identifier } from './variable-schema';

/** How often a step's activity is tried before the step fails. Defaults live in the job workflow. */
export const StepRetryPolicy = z.strictObject({
  maximum_attempts: z.number().int().min(1).max(100).optional(),
  initial_interval_ms: z.number().int().min(10).max(3_600_000).optional(),
  backoff_coefficient: z.number().min(1).max(10).optional(),
  maximum_interval_ms: z.number().int().min(10).max(86_400_000).optional(),
});
export type StepRetryPolicy = z.infer<typeof StepRetryPolicy>;

export const ToolRef = z.strictObject({
  tool_id: Identifier,
  name: z.string().min(1),
});
export type ToolRef = z.infer<typeof ToolRef>;

/**
 * A step that runs a tool as a Temporal activity named by `tool.tool_id`.
 * `parameter_mappings` map tool parameters to a job variable (a string naming a
 * declared variable) or to a literal (anything else); `output_mappings` map tool
 * outputs to job variables.
 */
export const ToolStep = z.strictObject({
  type: z.literal('tool'),
  step_id: Identifier,
  name: z.string().min(1).optional(),
  sequence_number: z.number().int().nonnegative().optional(),
  tool: ToolRef,
  parameter_mappings: z.record(z.string(), SchemaValue).default({}),
  output_mappings: z.record(z.string(), Identifier).default({}),
  retry_policy: StepRetryPolicy.optional(),
  timeout_seconds: z.number().int().min(1).max(86_400).optional(),
});
export type ToolStep = z.infer<typeof ToolStep>;

/** Seed 002 writes tool steps without a `type`; such a step is a tool step. */
function defaultStepType(raw: unknown): unknown {
  if (raw !== null && typeof raw === 'object' && !Array.isArray(raw) && !('type' in raw) && 'tool' in raw) {
    return { ...raw, type: 'tool' };
  }
  return raw;
}

/** The step DSL: a discriminated union on `type`, to be widened with system steps. */
export const StepDefinition = z.preprocess(defaultStepType, z.discriminatedUnion('type', [ToolStep]));
export type StepDefinition = z.infer<typeof StepDefinition>;
