import { z } from 'zod';
import type { ToolDefinition, ToolObjectSchema, ToolRunDefaults } from './tool-definition.js';

/** A JSON Schema 2020-12 document, as zod writes it. */
export type JsonSchemaDocument = Record<string, unknown>;

/** What a workflow author, Ordo's API and its publish-time checks know about a tool, without running it. */
export interface ToolDescriptor {
  tool_id: string;
  name: string;
  description: string;
  version: string;
  parameters: JsonSchemaDocument;
  outputs: JsonSchemaDocument;
  defaults: ToolRunDefaults;
}

/** Any tool definition, whatever context its `run` takes: describing it reads only its contract. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the context is contravariant; `any` accepts every host's.
export type AnyToolDefinition = ToolDefinition<ToolObjectSchema, ToolObjectSchema, any>;

/**
 * The catalog entry of a tool, as workflow authors, the API and publish-time checks see it.
 * Parameters are described as a step may pass them (`io: 'input'`: a parameter with a
 * default is not required); outputs as the tool returns them (`io: 'output'`).
 */
export function describeTool(tool: AnyToolDefinition): ToolDescriptor {
  return {
    tool_id: tool.tool_id,
    name: tool.name,
    description: tool.description,
    version: tool.version,
    parameters: jsonSchemaOf(tool.parameters, 'input'),
    outputs: jsonSchemaOf(tool.outputs, 'output'),
    defaults: tool.defaults ?? {},
  };
}

/**
 * zod 4's own conversion (JSON Schema 2020-12). A part JSON Schema cannot express (a
 * transform, a date, a bigint) becomes `{}` (any value) rather than failing the whole
 * catalog: the activity still checks it with the zod schema, so the catalog is only less
 * precise there, never wrong. Zod's `.meta()` keys pass through, so a parameter marked
 * `.meta({ 'x-ordo-upload-url': true })` reaches the catalog marked.
 */
function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output'): JsonSchemaDocument {
  return z.toJSONSchema(schema, { io, unrepresentable: 'any' });
}
