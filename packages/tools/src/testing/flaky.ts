import { setTimeout as delay } from 'node:timers/promises';
import { z } from 'zod';
import { defineTool } from '../tool-definition';
import { ToolError } from '../tool-error';

/** Test tool: fails its first `failures` attempts with a retryable error, then succeeds. */
export const flaky = defineTool({
  tool_id: 'flaky',
  name: 'Flaky (test)',
  description:
    'Test tool: waits `delay_ms`, then fails with a retryable DELIBERATE_FAILURE while the attempt number is at most ' +
    '`failures`; the attempt after that returns the attempt number and `value`.',
  version: '1.0.0',
  parameters: z.object({
    failures: z.number().int().min(0).describe('How many attempts fail before one succeeds.'),
    delay_ms: z
      .number()
      .int()
      .min(0)
      .max(600_000)
      .default(0)
      .describe('How long each attempt works before it fails or succeeds, in milliseconds.'),
    value: z.unknown().optional().describe('Any JSON value, returned by the successful attempt.'),
  }),
  outputs: z.object({
    attempt: z.number().int().describe('The attempt that succeeded, from 1.'),
    value: z.unknown().describe('The `value` parameter, or null when it was absent.'),
  }),
  async run({ failures, delay_ms, value }, { attempt, signal }) {
    // The wait lets tests observe a running attempt (and cancel it).
    if (delay_ms > 0) await delay(delay_ms, undefined, { signal });
    if (attempt <= failures) {
      throw new ToolError('DELIBERATE_FAILURE', `flaky: attempt ${attempt} of ${failures + 1}`, { retryable: true });
    }
    return { attempt, value: value ?? null };
  },
});
