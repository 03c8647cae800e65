import { z } from 'zod';
import { StepDefinition } from './step';
import { WorkflowStatus } from './status';
import type { ToolDescriptor } from './tool-descriptor';
import { Identifier, InputVariables } from './variable-schema';

/** A problem found in a definition, addressed by a JSON path from the definition root. */
export interface DefinitionIssue {
  path: (string | number)[];
  message: string;
}

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
  })
  .superRefine((def, ctx) => {
    for (const issue of structuralIssues(def)) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
  });
export type WorkflowDefinition = z.infer<typeof WorkflowDefinition>;

type DefinitionShape = Pick<WorkflowDefinition, 'input_variables' | 'steps'>;

/** Steps in execution order: by `sequence_number`, the position in the list where it is absent. */
export function orderedSteps<S extends { sequence_number?: number | undefined }>(steps: readonly S[]): S[] {
  return steps
    .map((step, index) => ({ step, key: step.sequence_number ?? index, index }))
    .sort((a, b) => a.key - b.key || a.index - b.index)
    .map((entry) => entry.step);
}

/** Every variable a definition declares: its inputs and every output mapping target. */
export function declaredVariables(def: DefinitionShape): Set<string> {
  const names = new Set(def.input_variables.map((v) => v.variable_id));
  for (const step of def.steps) for (const target of Object.values(step.output_mappings)) names.add(target);
  return names;
}

function structuralIssues(def: DefinitionShape): DefinitionIssue[] {
  const issues: DefinitionIssue[] = [];
  const stepIds = new Map<string, number>();
  const sequenceNumbers = new Map<number, number>();
  const inputs = new Set(def.input_variables.map((v) => v.variable_id));
  const producedBy = new Map<string, string>();

  def.steps.forEach((step, i) => {
    if (stepIds.has(step.step_id)) issues.push({ path: ['steps', i, 'step_id'], message: `duplicate step_id '${step.step_id}'` });
    stepIds.set(step.step_id, i);
    if (step.sequence_number !== undefined) {
      if (sequenceNumbers.has(step.sequence_number)) {
        issues.push({ path: ['steps', i, 'sequence_number'], message: `duplicate sequence_number ${step.sequence_number}` });
      }
      sequenceNumbers.set(step.sequence_number, i);
    }
    for (const [output, target] of Object.entries(step.output_mappings)) {
      if (inputs.has(target)) {
        issues.push({ path: ['steps', i, 'output_mappings', output], message: `'${target}' is an input variable; steps cannot overwrite inputs` });
      }
    }
  });

  // A mapping that names a variable only a later step produces would read nothing: reject it
  // rather than silently treating the name as a literal.
  const declared = declaredVariables(def);
  const indexOf = new Map(def.steps.map((s, i) => [s, i] as const));
  for (const step of orderedSteps(def.steps)) {
    const i = indexOf.get(step) ?? 0;
    for (const [param, source] of Object.entries(step.parameter_mappings)) {
      if (typeof source === 'string' && declared.has(source) && !inputs.has(source) && !producedBy.has(source)) {
        issues.push({
          path: ['steps', i, 'parameter_mappings', param],
          message: `variable '${source}' is only produced by a later step`,
        });
      }
    }
    for (const target of Object.values(step.output_mappings)) if (!producedBy.has(target)) producedBy.set(target, step.step_id);
  }
  return issues;
}

/**
 * Publish-time checks against the tool catalog: every tool exists, its required
 * parameters are mapped, unknown parameters are rejected, and output mappings name
 * outputs the tool produces.
 */
export function checkDefinitionAgainstTools(def: DefinitionShape, tools: readonly ToolDescriptor[]): DefinitionIssue[] {
  const catalog = new Map(tools.map((t) => [t.tool_id, t]));
  const issues: DefinitionIssue[] = [];
  def.steps.forEach((step, i) => {
    switch (step.type) {
      case 'tool': {
        const tool = catalog.get(step.tool.tool_id);
        if (!tool) {
          issues.push({
            path: ['steps', i, 'tool', 'tool_id'],
            message: `unknown tool '${step.tool.tool_id}'; known tools: ${[...catalog.keys()].sort().join(', ')}`,
          });
          return;
        }
        const params = new Set(tool.parameters.map((p) => p.name));
        for (const p of tool.parameters) {
          if (p.required && !(p.name in step.parameter_mappings)) {
            issues.push({ path: ['steps', i, 'parameter_mappings', p.name], message: `required parameter '${p.name}' of tool '${tool.tool_id}' is not mapped` });
          }
        }
        for (const name of Object.keys(step.parameter_mappings)) {
          if (!params.has(name)) {
            issues.push({ path: ['steps', i, 'parameter_mappings', name], message: `tool '${tool.tool_id}' has no parameter '${name}'` });
          }
        }
        for (const output of Object.keys(step.output_mappings)) {
          if (!tool.outputs.includes(output)) {
            issues.push({
              path: ['steps', i, 'output_mappings', output],
              message: `tool '${tool.tool_id}' has no output '${output}'; it produces: ${tool.outputs.join(', ')}`,
            });
          }
        }
        return;
      }
    }
  });
  return issues;
}
