import { STEP_TYPES, stepTypeOf } from '../steps';
import type { StepCheckContext } from '../steps/step-type';
import { declaredVariables, orderedSteps, stepReads, type DefinitionShape } from './definition-queries';
import { expressionIssues } from '../steps/mapping-rules';
import type { DefinitionIssue } from '../model/definition-issue';
import { variableJsonSchema } from '../model/schema-compatibility';
import type { JsonSchemaDocument } from '../schemas/tool-descriptor';
import { toolLookupOf, type CatalogTool, type ToolLookup } from '../model/tool-lookup';
import { checkInputValue } from '../model/input-validation';

/** When a definition rule runs: at every save (drafts too), or when a version is published (and created PUBLISHED). */
export type DefinitionRuleStage = 'save' | 'publish';

/**
 * Every definition rule by its stable name (the `rule` of a `DefinitionIssue` and of a
 * refused request's `errors[]`), with when it runs. The rule table in docs/workflow-versions.md lists the same
 * names; a test holds the two together.
 */
export const DEFINITION_RULES = {
  unique_step_ids: 'save',
  unique_sequence_numbers: 'save',
  unique_variable_ids: 'save',
  defaults_match_schema: 'save',
  inputs_read_only: 'save',
  reads_available_variables: 'save',
  output_variables_written: 'save',
  expressions_parse: 'save',
  known_tool: 'publish',
  known_tool_version: 'publish',
  required_parameters_mapped: 'publish',
  known_parameters: 'publish',
  ordo_filled_parameter: 'publish',
  known_outputs: 'publish',
  literal_parameters_match_schema: 'publish',
  parameter_types_compatible: 'publish',
  confirm_schema_is_object: 'publish',
  wait_until_is_time: 'publish',
  batch_iterable: 'publish',
  batch_concurrency_in_range: 'publish',
  sub_workflow_published: 'publish',
  sub_workflow_no_cycle: 'publish',
  sub_workflow_depth: 'publish',
} as const satisfies Record<string, DefinitionRuleStage>;
export type DefinitionRule = keyof typeof DEFINITION_RULES;

/** The `step_id` of the step an issue's path points into, if it does. */
export function issueStepId(
  def: Pick<DefinitionShape, 'steps'>,
  path: readonly (string | number)[],
): string | undefined {
  if (path[0] !== 'steps' || typeof path[1] !== 'number') return undefined;
  return def.steps[path[1]]?.step_id;
}

/**
 * The structural rules: those that need no tool catalog. Part of `WorkflowDefinition`, so
 * every save runs them; publishing runs them again on the stored version.
 */
export function checkDefinitionStructure(def: DefinitionShape): DefinitionIssue[] {
  const issues: DefinitionIssue[] = [];
  const stepIds = new Set<string>();
  const sequenceNumbers = new Set<number>();
  const inputs = new Set<string>();

  def.input_variables.forEach((variable, i) => {
    if (inputs.has(variable.variable_id)) {
      issues.push({
        rule: 'unique_variable_ids',
        path: ['input_variables', i, 'variable_id'],
        message: `duplicate variable_id '${variable.variable_id}'`,
      });
    }
    inputs.add(variable.variable_id);
  });

  def.input_variables.forEach((variable, i) => {
    if (variable.schema === undefined || variable.default === undefined) return;
    const check = checkInputValue(variable.schema, variable.default, `the default of ${variable.name}`);
    if (!check.ok)
      issues.push({ rule: 'defaults_match_schema', path: ['input_variables', i, 'default'], message: check.message });
  });

  def.steps.forEach((step, i) => {
    const policy = step.activation_policy;
    if (policy !== undefined && 'when' in policy)
      issues.push(
        ...expressionIssues({ expr: policy.when }, step.step_id, ['steps', i], ['activation_policy', 'when']),
      );
    for (const { source, path } of stepTypeOf(step).sources(step))
      issues.push(...expressionIssues(source, step.step_id, ['steps', i], path));
    if (stepIds.has(step.step_id))
      issues.push({
        rule: 'unique_step_ids',
        path: ['steps', i, 'step_id'],
        message: `duplicate step_id '${step.step_id}'`,
      });
    stepIds.add(step.step_id);
    if (step.sequence_number !== undefined) {
      if (sequenceNumbers.has(step.sequence_number)) {
        issues.push({
          rule: 'unique_sequence_numbers',
          path: ['steps', i, 'sequence_number'],
          message: `duplicate sequence_number ${step.sequence_number}`,
        });
      }
      sequenceNumbers.add(step.sequence_number);
    }
    for (const use of stepTypeOf(step).writes(step)) {
      if (inputs.has(use.variable)) {
        issues.push({
          rule: 'inputs_read_only',
          path: ['steps', i, ...use.path],
          message: `'${use.variable}' is an input variable; steps cannot overwrite inputs`,
        });
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
        issues.push({
          rule: 'reads_available_variables',
          path: ['steps', i, ...use.path],
          message: `variable '${use.variable}' is only produced by a later step`,
        });
      }
    }
    for (const use of type.writes(step)) produced.add(use.variable);
  }

  (def.output_variables ?? []).forEach((name, i) => {
    if (!produced.has(name) && !inputs.has(name)) {
      issues.push({
        rule: 'output_variables_written',
        path: ['output_variables', i],
        message: `output variable '${name}' is not an input and no step writes it`,
      });
    }
  });
  return issues;
}

/**
 * The catalog rules, run when a version is published (or created PUBLISHED): each step
 * checked by its own type module (unknown tools, unmapped required parameters, unknown
 * parameters and outputs, literal parameters, and the types of mapped variables).
 */
export function checkDefinitionAgainstTools(
  def: DefinitionShape,
  tools: readonly CatalogTool[],
  checkLiteral?: StepCheckContext['checkLiteral'],
  workflows?: StepCheckContext['workflows'],
): DefinitionIssue[] {
  const catalog = toolLookupOf(tools);
  const declared = declaredVariables(def);
  const seen = variablesSeenBySteps(def, catalog);
  return def.steps.flatMap((step, i) =>
    stepTypeOf(step).check(step, {
      tools: catalog,
      declared,
      variables: seen.get(step) ?? new Map(),
      path: ['steps', i],
      ...(checkLiteral !== undefined && { checkLiteral }),
      ...(workflows !== undefined && { workflows }),
    }),
  );
}

/** Every definition rule, structural and catalog: what publishing runs. */
export function checkDefinition(
  def: DefinitionShape,
  tools: readonly CatalogTool[],
  checkLiteral?: StepCheckContext['checkLiteral'],
  workflows?: StepCheckContext['workflows'],
): DefinitionIssue[] {
  return [...checkDefinitionStructure(def), ...checkDefinitionAgainstTools(def, tools, checkLiteral, workflows)];
}

/**
 * The JSON Schema of each variable as each step sees it, in execution order: the inputs'
 * schemas, then what each step writes (where the catalog knows it) for the steps after it.
 */
function variablesSeenBySteps(
  def: DefinitionShape,
  tools: ToolLookup,
): Map<DefinitionShape['steps'][number], ReadonlyMap<string, JsonSchemaDocument>> {
  const current = new Map<string, JsonSchemaDocument>();
  for (const variable of def.input_variables) {
    if (variable.schema !== undefined) current.set(variable.variable_id, variableJsonSchema(variable.schema));
  }
  const seen = new Map<DefinitionShape['steps'][number], ReadonlyMap<string, JsonSchemaDocument>>();
  for (const step of orderedSteps(def.steps)) {
    seen.set(step, new Map(current));
    const type = stepTypeOf(step);
    const written = type.writtenSchemas(step, tools);
    for (const use of type.writes(step)) {
      // Written with a type the catalog does not know: unknown from here on, never the older type.
      const schema = written[use.variable];
      if (schema === undefined) current.delete(use.variable);
      else current.set(use.variable, schema);
    }
  }
  return seen;
}

/** The step types a definition may use, for error messages and docs. */
export const STEP_TYPE_NAMES = Object.keys(STEP_TYPES);
