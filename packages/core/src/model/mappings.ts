import type { ToolOutputs, ToolParams } from './activity-contract';
import type { SchemaValue } from './schema-value';

/**
 * Resolves a step's `parameter_mappings`: a string naming a declared job variable
 * reads that variable (and is left out while the variable has no value); any other
 * value is a literal, as `"extraction_mode": "full"` in seed 002. Names are checked
 * against the declared variables, not the ones set so far, so an optional input
 * left empty is never mistaken for a literal.
 */
export function resolveParameters(
  mappings: Readonly<Record<string, SchemaValue>>,
  variables: Readonly<Record<string, SchemaValue>>,
  declared: ReadonlySet<string>,
): ToolParams {
  const params: ToolParams = {};
  for (const [name, source] of Object.entries(mappings)) {
    if (typeof source === 'string' && declared.has(source)) {
      const value = variables[source];
      if (value !== undefined) params[name] = value;
    } else {
      params[name] = source;
    }
  }
  return params;
}

export type OutputMappingResult = { ok: true; written: Record<string, SchemaValue> } | { ok: false; missing: string[] };

/** Reads a tool's outputs into job variables by `output_mappings` (tool output → variable). */
export function applyOutputMappings(mappings: Readonly<Record<string, string>>, outputs: ToolOutputs): OutputMappingResult {
  const written: Record<string, SchemaValue> = {};
  const missing: string[] = [];
  for (const [output, variable] of Object.entries(mappings)) {
    const value = outputs[output];
    if (value === undefined) missing.push(output);
    else written[variable] = value;
  }
  return missing.length > 0 ? { ok: false, missing } : { ok: true, written };
}
