import { setTimeout as delay } from 'node:timers/promises';
import { z } from 'zod';
import { defineTool, type ToolContext } from '../tool-definition';

/** Test tool: waits, reporting progress every second, and stops as soon as it is cancelled. */
export const sleep = defineTool({
  tool_id: 'sleep',
  name: 'Sleep (test)',
  description:
    'Test tool: waits `ms` milliseconds, reporting progress each second; stops at once when the job is cancelled.',
  version: '1.0.0',
  parameters: z.object({
    ms: z.number().int().min(0).max(600_000).describe('How long to wait, in milliseconds (at most 10 minutes).'),
  }),
  outputs: z.object({
    slept_ms: z.number().int().describe('How long it waited, in milliseconds.'),
  }),
  async run({ ms }, ctx) {
    return { slept_ms: await sleepReporting(ms, ctx) };
  },
});

/**
 * Waits `ms` milliseconds, reporting progress each second, and rejects the moment `ctx.signal`
 * fires; resolves with how long it waited.
 */
export async function sleepReporting(ms: number, ctx: Pick<ToolContext, 'progress' | 'signal'>): Promise<number> {
  const startedAt = Date.now();
  for (let elapsed = 0; elapsed < ms; elapsed = Date.now() - startedAt) {
    // Rejects with an AbortError the moment the signal fires, rather than at the next second.
    await delay(Math.min(1_000, ms - elapsed), undefined, { signal: ctx.signal });
    const done = Math.min(ms, Date.now() - startedAt);
    ctx.progress(`Slept ${Math.floor(done / 1_000)} of ${Math.ceil(ms / 1_000)} s`, ms === 0 ? 1 : done / ms);
  }
  return Date.now() - startedAt;
}
