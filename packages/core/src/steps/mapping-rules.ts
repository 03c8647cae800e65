import type { DefinitionIssue } from '../model/definition-issue';
import { sourceUses } from '../model/mappings';
import type { SchemaValue } from '../schemas/schema-value';
import type { VariableUse } from './step-type';

/**
 * What step types share about value sources (`parameter_mappings`, `input_mappings`,
 * `iterable`, `when`): the variables they read, and the publish-time rule that every
 * expression parses.
 */

/** The job variables a mapping object reads, each with its path (`[field, name, …]`) in the step. */
export function mappingReads(
  mappings: Readonly<Record<string, SchemaValue>>,
  declared: ReadonlySet<string>,
  field: string,
): VariableUse[] {
  return Object.entries(mappings).flatMap(([name, source]) =>
    sourceUses(source, declared, [field, name]).flatMap((use) =>
      use.variable !== undefined ? [{ variable: use.variable, path: use.path }] : [],
    ),
  );
}

/** The job variables one value source reads (a policy's `when`, a batch's `iterable`). */
export function sourceReads(
  source: SchemaValue,
  declared: ReadonlySet<string>,
  path: (string | number)[],
): VariableUse[] {
  return sourceUses(source, declared, path).flatMap((use) =>
    use.variable !== undefined ? [{ variable: use.variable, path: use.path }] : [],
  );
}

/**
 * Rule `expressions_parse`: every `{ "expr": … }` in a source parses. The message names the
 * step, where the expression is, and the position of the error in it.
 */
export function expressionIssues(
  source: SchemaValue,
  stepId: string,
  stepPath: (string | number)[],
  path: (string | number)[],
): DefinitionIssue[] {
  return sourceUses(source, new Set(), path).flatMap((use) => {
    const error = use.expression?.error;
    if (!use.expression || !error) return [];
    const where = use.path.join('.');
    const at = error.position !== undefined ? ` at position ${error.position}` : '';
    return [
      {
        rule: 'expressions_parse',
        path: [...stepPath, ...use.path],
        message: `step '${stepId}': the expression in ${where} does not parse${at}: ${error.message}`,
      },
    ];
  });
}
