import { z } from 'zod';
import { STEP_TYPES, StepDefinition, stepTypeOf } from '../workflows/steps';
import type { DefinitionIssue } from './definition-issue';
import { WorkflowStatus } from './status';
import type { ToolDescriptor } from './tool-descriptor';
import { checkInputValue } from './input-validation';
import { Identifier, InputVariables, type InputVariable } from './variable-schema';

/**
 * The body of `POST /v1/workflows`: a template with typed inputs and ordered steps.
 * Structural rules that need no tool catalog are part of the schema.
 */
export const WorkflowDefinition = z
  .strictObject({
    workflow_id: Identifier,
    name: z.string().min(1).max(200),
    description: z.string().max(10_000).optional(),
    status: WorkflowStatus.default('DRAFT'),
    input_variables: InputVariables.default([]),
    steps: z.array(StepDefinition).min(1, 'a workflow needs at least one step').max(10_000),
    /**
     * The variables that make up a finished job's `output_data`. Without it, `output_data`
     * holds every variable a step writes that no later step reads (see `outputVariableNames`).
     */
    output_variables: z.array(Identifier).max(1000).optional(),
  })
  .superRefine((def, ctx) => {
    for (const issue of structuralIssues(def)) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
  });
export type WorkflowDefinition = z.infer<typeof WorkflowDefinition>;

/** The parts of a definition (a template's or a job's) that the rules and the runtime read. */
export interface DefinitionShape {
  input_variables: readonly (Pick<InputVariable, 'variable_id'> & Partial<InputVariable>)[];
  steps: readonly StepDefinition[];
  output_variables?: readonly string[] | undefined;
}

/** Steps in execution order: by `sequence_number`, the position in the list where it is absent. */
export function orderedSteps<S extends { sequence_number?: number | undefined }>(steps: readonly S[]): S[] {
  return steps
    .map((step, index) => ({ step, key: step.sequence_number ?? index, index }))
    .sort((a, b) => a.key - b.key || a.index - b.index)
    .map((entry) => entry.step);
}

/** Every variable a definition declares: its inputs and every variable a step writes. */
export function declaredVariables(def: DefinitionShape): Set<string> {
  const names = new Set(def.input_variables.map((v) => v.variable_id));
  for (const step of def.steps) for (const use of stepTypeOf(step).writes(step)) names.add(use.variable);
  return names;
}

/**
 * The output rule: which variables make up a job's `output_data`. A definition that
 * declares `output_variables` gets exactly those. Otherwise, every variable some step
 * writes and no step after its last writer reads: the results nothing else consumed.
 * For seed 002's example that is `final_analysis`, while `document_text` (read by the
 * analysis step) stays visible in the extraction step's outputs and in `variables`.
 */
export function outputVariableNames(def: DefinitionShape): string[] {
  if (def.output_variables !== undefined) return [...def.output_variables];
  const steps = orderedSteps(def.steps);
  const declared = declaredVariables(def);
  const lastWriter = new Map<string, number>();
  steps.forEach((step, i) => {
    for (const use of stepTypeOf(step).writes(step)) lastWriter.set(use.variable, i);
  });
  const names: string[] = [];
  for (const [name, writer] of lastWriter) {
    const readLater = steps.slice(writer + 1).some((step) => stepTypeOf(step).reads(step, declared).some((use) => use.variable === name));
    if (!readLater) names.push(name);
  }
  return names;
}

function structuralIssues(def: DefinitionShape): DefinitionIssue[] {
  const issues: DefinitionIssue[] = [];
  const stepIds = new Set<string>();
  const sequenceNumbers = new Set<number>();
  const inputs = new Set(def.input_variables.map((v) => v.variable_id));

  def.input_variables.forEach((variable, i) => {
    if (variable.schema === undefined || variable.default === undefined) return;
    const check = checkInputValue(variable.schema, variable.default, `the default of ${variable.name}`);
    if (!check.ok) issues.push({ rule: 'defaults_match_schema', path: ['input_variables', i, 'default'], message: check.message });
  });

  def.steps.forEach((step, i) => {
    if (stepIds.has(step.step_id)) issues.push({ rule: 'unique_step_ids', path: ['steps', i, 'step_id'], message: `duplicate step_id '${step.step_id}'` });
    stepIds.add(step.step_id);
    if (step.sequence_number !== undefined) {
      if (sequenceNumbers.has(step.sequence_number)) {
        issues.push({ rule: 'unique_sequence_numbers', path: ['steps', i, 'sequence_number'], message: `duplicate sequence_number ${step.sequence_number}` });
      }
      sequenceNumbers.add(step.sequence_number);
    }
    for (const use of stepTypeOf(step).writes(step)) {
      if (inputs.has(use.variable)) {
        issues.push({ rule: 'inputs_read_only', path: ['steps', i, ...use.path], message: `'${use.variable}' is an input variable; steps cannot overwrite inputs` });
      }
    }
  });

  // A mapping that names a variable only a later step produces would read nothing: reject it
  // rather than silently treating the name as a literal.
  const declared = declaredVariables(def);
  const produced = new Set<string>();
  const indexOf = new Map(def.steps.map((s, i) => [s, i] as const));
  for (const step of orderedSteps(def.steps)) {
    const i = indexOf.get(step) ?? 0;
    const type = stepTypeOf(step);
    for (const use of type.reads(step, declared)) {
      if (!inputs.has(use.variable) && !produced.has(use.variable)) {
        issues.push({ rule: 'reads_available_variables', path: ['steps', i, ...use.path], message: `variable '${use.variable}' is only produced by a later step` });
      }
    }
    for (const use of type.writes(step)) produced.add(use.variable);
  }

  (def.output_variables ?? []).forEach((name, i) => {
    if (!produced.has(name) && !inputs.has(name)) {
      issues.push({ rule: 'output_variables_written', path: ['output_variables', i], message: `output variable '${name}' is not an input and no step writes it` });
    }
  });
  return issues;
}

/**
 * Publish-time checks that need the tool catalog, each step checked by its own type
 * module (unknown tools, unmapped required parameters, unknown parameters and outputs).
 */
export function checkDefinitionAgainstTools(def: DefinitionShape, tools: readonly ToolDescriptor[]): DefinitionIssue[] {
  const catalog = new Map(tools.map((t) => [t.tool_id, t]));
  const declared = declaredVariables(def);
  return def.steps.flatMap((step, i) => stepTypeOf(step).check(step, { tools: catalog, declared, path: ['steps', i] }));
}

/** The step types a definition may use, for error messages and docs. */
export const STEP_TYPE_NAMES = Object.keys(STEP_TYPES);
