import { z } from 'zod';
import { defineTool, type ToolContext } from '../tool-definition';

/** A tool whose behaviour each test chooses (`probe`: a text in, its length out), for unit tests of the activity layer. */
export function probe(
  run: (params: { text: string; level: 'short' | 'long' }, ctx: ToolContext) => Promise<Record<string, unknown>>,
) {
  return defineTool({
    tool_id: 'probe',
    name: 'Probe',
    description: 'Test tool.',
    version: '1.0.0',
    parameters: z.object({
      text: z.string().describe('Some text.'),
      level: z.enum(['short', 'long']).default('short').describe('A level.'),
    }),
    outputs: z.object({
      length: z.number().int().describe('Length of the text.'),
      text: z.string().optional().describe('The text, when asked for.'),
    }),
    // Some tests return outputs that break the schema on purpose.
    run: (params, ctx) => run(params, ctx) as Promise<{ length: number }>,
  });
}
