import type { JsonSchemaDocument, ToolDescriptor } from '../schemas/tool-descriptor';

/**
 * Reading a tool's parameters and outputs from its catalog entry's JSON Schemas. Plain
 * functions over plain data, so step types' publish-time checks can use them from
 * workflow code, which loads no zod.
 */

function properties(schema: JsonSchemaDocument): Record<string, JsonSchemaDocument> {
  const props = schema.properties;
  return typeof props === 'object' && props !== null && !Array.isArray(props)
    ? (props as Record<string, JsonSchemaDocument>)
    : {};
}

/** The names of a tool's parameters. */
export function toolParameterNames(tool: ToolDescriptor): string[] {
  return Object.keys(properties(tool.parameters));
}

/** The parameters a step must map: those the schema requires and that have no default. */
export function requiredToolParameters(tool: ToolDescriptor): string[] {
  const required = Array.isArray(tool.parameters.required) ? (tool.parameters.required as unknown[]) : [];
  const props = properties(tool.parameters);
  return required.filter((name): name is string => typeof name === 'string' && !('default' in (props[name] ?? {})));
}

/** The JSON Schema of one parameter, or undefined when the tool has no such parameter. */
export function toolParameterSchema(tool: ToolDescriptor, name: string): JsonSchemaDocument | undefined {
  return properties(tool.parameters)[name];
}

/** The JSON Schema of one output, or undefined when the tool has no such output. */
export function toolOutputSchema(tool: ToolDescriptor, name: string): JsonSchemaDocument | undefined {
  return properties(tool.outputs)[name];
}

/** The names of a tool's outputs. */
export function toolOutputNames(tool: ToolDescriptor): string[] {
  return Object.keys(properties(tool.outputs));
}
