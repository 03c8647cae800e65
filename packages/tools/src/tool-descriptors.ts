import type { ToolDescriptor, ToolParameterDescriptor } from '@ordo/core';
import type { ToolDefinition, ToolParamsSchema } from './tool-definition';

/** The catalog entry of a tool, as workflow authors and publish-time checks see it. */
export function describeTool(tool: ToolDefinition): ToolDescriptor {
  return {
    tool_id: tool.tool_id,
    name: tool.name,
    description: tool.description,
    parameters: describeParameters(tool.params),
    outputs: [...tool.outputs],
  };
}

/**
 * Derives parameter descriptors from the schema itself, so the catalog cannot drift from
 * what the activity accepts. A parameter is optional when its schema accepts `undefined`
 * (`.optional()` or `.default()`).
 */
export function describeParameters(schema: ToolParamsSchema): ToolParameterDescriptor[] {
  return Object.entries(schema.shape).map(([name, field]) => ({
    name,
    required: !field.safeParse(undefined).success,
    description: field.description ?? '',
  }));
}
