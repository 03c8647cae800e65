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

/**
 * The keyword marking a string parameter Ordo fills with a signed upload URL for the job
 * (docs/tools.md, "Files and large values"): a step never maps it.
 */
export const UPLOAD_URL_KEYWORD = 'x-ordo-upload-url';

/** Whether a parameter's schema asks Ordo to fill it: `"x-ordo-upload-url": true` on a string. */
export function isOrdoFilledParameter(schema: JsonSchemaDocument | undefined): boolean {
  return schema !== undefined && schema[UPLOAD_URL_KEYWORD] === true && schema.type === 'string';
}

/** The parameters Ordo fills itself (upload URLs), which a step must not map: names in a tool's `parameters` schema. */
export function ordoFilledParameters(parameters: JsonSchemaDocument): string[] {
  return Object.entries(properties(parameters))
    .filter(([, schema]) => isOrdoFilledParameter(schema))
    .map(([name]) => name);
}

/** The parameters a step must map: those the schema requires that have no default and that Ordo does not fill. */
export function requiredToolParameters(tool: ToolDescriptor): string[] {
  const required = Array.isArray(tool.parameters.required) ? (tool.parameters.required as unknown[]) : [];
  const props = properties(tool.parameters);
  return required.filter(
    (name): name is string =>
      typeof name === 'string' && !('default' in (props[name] ?? {})) && !isOrdoFilledParameter(props[name]),
  );
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
