import { z } from 'zod';
import type { JsonSchemaDocument, ToolDescriptor } from '@ordo/core';
import type { ToolDefinition } from './tool-definition';

/**
 * The catalog entry of a tool, as workflow authors, the API and publish-time checks see it.
 * Parameters are described as a step may pass them (`io: 'input'`: a parameter with a
 * default is not required); outputs as the tool returns them (`io: 'output'`).
 */
export function describeTool(tool: ToolDefinition): ToolDescriptor {
  return {
    tool_id: tool.tool_id,
    name: tool.name,
    description: tool.description,
    version: tool.version,
    parameters: jsonSchemaOf(tool.params, 'input'),
    outputs: jsonSchemaOf(tool.outputs, 'output'),
    defaults: tool.defaults ?? {},
  };
}

/**
 * zod 4's own conversion. A part JSON Schema cannot express (a transform, a date, a bigint)
 * becomes `{}` (any value) rather than failing the whole catalog: the activity still checks
 * it with the zod schema, so the catalog is only less precise there, never wrong.
 */
function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output'): JsonSchemaDocument {
  return z.toJSONSchema(schema, { io, unrepresentable: 'any' });
}
