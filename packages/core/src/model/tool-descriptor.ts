import { z } from 'zod';

export const ToolParameterDescriptor = z.object({
  name: z.string(),
  required: z.boolean(),
  description: z.string(),
});
export type ToolParameterDescriptor = z.infer<typeof ToolParameterDescriptor>;

/** What a workflow author, the API and publish-time checks know about a tool, without running it. */
export const ToolDescriptor = z.object({
  tool_id: z.string(),
  name: z.string(),
  description: z.string(),
  parameters: z.array(ToolParameterDescriptor),
  outputs: z.array(z.string()),
});
export type ToolDescriptor = z.infer<typeof ToolDescriptor>;
