import type { InputVariable } from '../schemas/variable-schema';
import { stepTypeOf, type StepDefinition } from '../steps';
import { sourceReads } from '../steps/mapping-rules';
import type { VariableUse } from '../steps/step-type';

/**
 * Questions asked of a definition (a template's or a job's): step order, declared
 * variables, the output rule. Plain functions, so workflow code can use them without
 * loading zod (see workflows/README.md).
 */

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

/** The job variables a step reads: through its type's fields and through its activation policy. */
export function stepReads(step: StepDefinition, declared: ReadonlySet<string>): VariableUse[] {
  const policy = step.activation_policy;
  const policyReads =
    policy !== undefined && 'when' in policy
      ? sourceReads({ expr: policy.when }, declared, ['activation_policy', 'when'])
      : [];
  return [...stepTypeOf(step).reads(step, declared), ...policyReads];
}

/**
 * The output rule: which variables make up a job's `output_data`. A definition that
 * declares `output_variables` gets exactly those. Otherwise, every variable some step
 * writes and no step after its last writer reads: the results nothing else consumed.
 * For seed 002's example that is `final_analysis` (docs/contract.md), while `document_text` (read by the
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
    const readLater = steps
      .slice(writer + 1)
      .some((step) => stepReads(step, declared).some((use) => use.variable === name));
    if (!readLater) names.push(name);
  }
  return names;
}
