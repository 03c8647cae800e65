import { z } from 'zod';
import { SchemaValue } from './schema-value';
import { Duration, StepBase, StepRunSettings } from './step';
import { Identifier, VariableSchema } from './variable-schema';

// One schema per step type; the step type's module in `steps/` (what it reads and writes, its
// check, its executor) takes its type from here as a type only, since workflow code loads no
// zod. `STEP_TYPES` (`steps/index.ts`) is keyed by this union's `type`, so a schema added
// here without its module, or a module without its schema, fails to compile.

/**
 * A step that runs a tool as a Temporal activity named by `tool.tool_id`.
 * `parameter_mappings` map tool parameters to value sources (a job variable, a literal,
 * `{const}`, `{var}`, `{expr}`, or objects of them: see `model/mappings.ts`);
 * `output_mappings` map tool outputs to job variables.
 */
export const ToolStep = z.strictObject({
  type: z.literal('tool'),
  ...StepBase,
  /**
   * `version` pins a version of the tool; publishing writes the one it checked against (the
   * newest not deprecated, when none is named) into every tool step of the published version.
   */
  tool: z.strictObject({ tool_id: Identifier, name: z.string().min(1), version: z.string().min(1).max(64).optional() }),
  parameter_mappings: z.record(z.string(), SchemaValue).default({}),
  output_mappings: z.record(z.string(), Identifier).default({}),
  ...StepRunSettings,
});
export type ToolStep = z.infer<typeof ToolStep>;

export const ToolRef = ToolStep.shape.tool;
export type ToolRef = z.infer<typeof ToolRef>;

/**
 * A step that waits for a person: the `confirm` update (`POST /v1/jobs/{job_id}/steps/{step_id}/confirm`)
 * completes it, its optional payload (an object, checked against `schema`) becoming the
 * step's outputs, mapped to job variables by `output_mappings` (payload field → variable).
 * With `due_in`, the step is due at that time (`dueAt`); past it, `on_timeout` applies:
 * `fail` (the default) fails the step, `continue` completes it with no outputs.
 */
export const HumanConfirmStep = z.strictObject({
  type: z.literal('sys.human_confirm'),
  ...StepBase,
  confirm: z.strictObject({
    prompt: z.string().min(1).max(2000),
    /** What the payload must be: an object schema in the input-variable schema language. */
    schema: VariableSchema.optional(),
    due_in: Duration.optional(),
    on_timeout: z.enum(['fail', 'continue']).default('fail'),
  }),
  output_mappings: z.record(z.string(), Identifier).default({}),
});
export type HumanConfirmStep = z.infer<typeof HumanConfirmStep>;

/**
 * A durable timer: `wait.duration` (`"15m"`) from when the step is reached, or
 * `wait.until`, an ISO 8601 time given as a value source (a literal, a variable, an
 * expression). `dueAt` is set while it waits; a time already past completes at once.
 */
export const WaitStep = z.strictObject({
  type: z.literal('sys.wait'),
  ...StepBase,
  wait: z
    .strictObject({ duration: Duration.optional(), until: SchemaValue.optional() })
    .refine((w) => (w.duration === undefined) !== (w.until === undefined), 'give exactly one of duration and until'),
});
export type WaitStep = z.infer<typeof WaitStep>;

/**
 * A step that runs another published workflow as child jobs: real Temporal child workflows
 * of the job workflow, each a job of its own (its `job_id` is its workflow ID,
 * `<job_id>--<step_id>` or `<job_id>--<step_id>--<i>`). SINGLE runs one child with inputs
 * from `input_mappings` (value sources, as a tool's `parameter_mappings`), and maps its
 * `output_data` fields to job variables by `output_mappings`. BATCH evaluates `iterable`
 * to a list and runs one child per item (`__each__` is the item in expressions), at most
 * `max_concurrency` at a time; its one output `results` is the children's `output_data` in
 * item order. With `failure_policy` `fail_fast` (the default) the first failure cancels the
 * other children and fails the step; with `continue` a failed child's result is `{ error }`.
 * The version run is `version`, else the latest PUBLISHED one when the job was created
 * (the job's copy of the step records it).
 */
export const SubWorkflowStep = z.strictObject({
  type: z.literal('sys.sub_workflow'),
  ...StepBase,
  sub_workflow: z.strictObject({
    workflow_id: Identifier,
    version: z.number().int().positive().optional(),
    mode: z.enum(['SINGLE', 'BATCH']),
    input_mappings: z.record(z.string(), SchemaValue).default({}),
    iterable: SchemaValue.optional(),
    max_concurrency: z.number().int().optional(),
    failure_policy: z.enum(['fail_fast', 'continue']).default('fail_fast'),
  }),
  output_mappings: z.record(z.string(), Identifier).default({}),
});
export type SubWorkflowStep = z.infer<typeof SubWorkflowStep>;

/** The step DSL as stored and returned: a discriminated union on `type`, one member per step type. */
export const StepDefinitionSchema = z.discriminatedUnion('type', [
  ToolStep,
  HumanConfirmStep,
  WaitStep,
  SubWorkflowStep,
]);

/** Seed 002 (docs/contract.md) writes tool steps without a `type`; such a step is a tool step. */
function defaultStepType(raw: unknown): unknown {
  if (raw !== null && typeof raw === 'object' && !Array.isArray(raw) && !('type' in raw) && 'tool' in raw) {
    return { ...raw, type: 'tool' };
  }
  return raw;
}

/** The step DSL as accepted: `StepDefinitionSchema`, where a step without `type` is a tool step (seed 002). */
export const StepDefinition = z.preprocess(defaultStepType, StepDefinitionSchema);
export type StepDefinition = z.infer<typeof StepDefinitionSchema>;
