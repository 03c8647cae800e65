import { z } from 'zod';
import { STEP_TYPES, stepTypeOf } from '../workflows/steps';
import type { StepCheckContext } from '../workflows/steps/step-type';
import { declaredVariables, orderedSteps, stepReads, type DefinitionShape } from './definition-queries';
import { expressionIssues } from '../workflows/steps/mapping-rules';
import type { DefinitionIssue } from './definition-issue';
import { StepDefinition } from './step-definition';
import { WorkflowStatus } from './status';
import type { ToolDescriptor } from './tool-descriptor';
import { checkInputValue } from './input-validation';
import { Identifier, InputVariables, PlainText } from './variable-schema';

/**
 * The body of `POST /v1/workflows`: a template with typed inputs and ordered steps.
 * Structural rules that need no tool catalog are part of the schema.
 */
export const WorkflowDefinition = z
  .strictObject({
    workflow_id: Identifier,
    name: PlainText.min(1).max(200),
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
    const policy = step.activation_policy;
    if (policy !== undefined && 'when' in policy) issues.push(...expressionIssues({ expr: policy.when }, step.step_id, ['steps', i], ['activation_policy', 'when']));
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
    for (const use of stepReads(step, declared)) {
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
export function checkDefinitionAgainstTools(def: DefinitionShape, tools: readonly ToolDescriptor[], checkLiteral?: StepCheckContext['checkLiteral']): DefinitionIssue[] {
  const catalog = new Map(tools.map((t) => [t.tool_id, t]));
  const declared = declaredVariables(def);
  return def.steps.flatMap((step, i) =>
    stepTypeOf(step).check(step, { tools: catalog, declared, path: ['steps', i], ...(checkLiteral !== undefined && { checkLiteral }) }),
  );
}

/** The step types a definition may use, for error messages and docs. */
export const STEP_TYPE_NAMES = Object.keys(STEP_TYPES);
