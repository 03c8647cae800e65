import { z } from 'zod';
import { defineTool } from '../tool-definition';

/** Test tool: returns what it is given. */
export const noop = defineTool({
  tool_id: 'noop',
  name: 'No-op (test)',
  description: 'Test tool: returns `value` unchanged (null when absent). Does nothing else.',
  version: '1.0.0',
  parameters: z.object({
    value: z.unknown().optional().describe('Any JSON value, returned as is.'),
  }),
  outputs: z.object({
    value: z.unknown().describe('The `value` parameter, or null when it was absent.'),
  }),
  run: ({ value }) => Promise.resolve({ value: value ?? null }),
});
