import { resourceLimits, threadId } from 'node:worker_threads';
import { z } from 'zod';
import { defineTool } from '../tool-definition';
import { ToolError } from '../tool-error';

/** The heap limit of the probe's thread, small so running out of it is quick. */
export const THREAD_PROBE_MEMORY_MIB = 64;

/** The young generation of the probe's thread: not V8's default (48), so a test sees it was set. */
export const THREAD_PROBE_YOUNG_GENERATION_MIB = 32;

/**
 * Unit-test tool for the thread mechanism (never registered in a worker): it runs in a
 * thread with a 64 MiB heap and does what `action` says, so tests can watch a tool that
 * never yields, one that stops when asked, one that runs out of memory, one that reads a file, and one that fails.
 */
export const threadProbe = defineTool({
  tool_id: 'thread_probe',
  name: 'Thread probe (test)',
  description:
    'Unit-test tool: runs in a thread and spins, works until stopped, hogs memory, reads a file, fails, or answers.',
  version: '1.0.0',
  parameters: z.object({
    action: z.enum(['answer', 'spin', 'steps', 'hog', 'read_file', 'tool_error', 'crash', 'globals']),
    file_id: z.string().optional(),
    /** With `spin`: a time limit (ms) that stops the thread. */
    limit_ms: z.number().int().positive().optional(),
  }),
  outputs: z.object({
    thread_id: z.number().int(),
    file: z
      .object({ name: z.string(), size: z.number().int(), first_bytes: z.array(z.number().int()) })
      .nullable()
      .optional(),
    /** With `globals`: whether the thread has the web compression streams (zlib). */
    compression_streams: z.boolean().optional(),
    /** With `globals`: the thread's heap limits as it sees them (worker_threads' `resourceLimits`), MiB. */
    heap_limits_mib: z.object({ old_generation: z.number(), young_generation: z.number() }).optional(),
  }),
  thread: {
    module: import.meta.url,
    memoryLimitMiB: THREAD_PROBE_MEMORY_MIB,
    youngGenerationMiB: THREAD_PROBE_YOUNG_GENERATION_MIB,
    timeLimit: ({ limit_ms }) =>
      limit_ms === undefined
        ? undefined
        : { ms: limit_ms, error: () => new ToolError('TIMEOUT', `stopped after ${limit_ms} ms`) },
  },
  async run({ action, file_id }, ctx) {
    ctx.progress(`Probing: ${action}`, 0.5);
    ctx.log.info('probe started', { action, thread_id: threadId });
    switch (action) {
      case 'answer':
        return { thread_id: threadId };
      case 'spin':
        // Never yields: only terminating the thread stops it.
        for (;;) {
          /* spin */
        }
      case 'steps':
        // Works in small steps until its signal aborts, as pdf_extractor reads pages.
        for (;;) {
          ctx.signal.throwIfAborted();
          await new Promise((resolve) => setImmediate(resolve));
        }
      case 'globals':
        return {
          thread_id: threadId,
          compression_streams: 'DecompressionStream' in globalThis || 'CompressionStream' in globalThis,
          heap_limits_mib: {
            old_generation: resourceLimits.maxOldGenerationSizeMb ?? 0,
            young_generation: resourceLimits.maxYoungGenerationSizeMb ?? 0,
          },
        };
      case 'hog': {
        const kept: string[] = [];
        for (let i = 0; ; i++) kept.push(`${i}`.padEnd(1_000, '.') + i);
      }
      case 'read_file': {
        const file = await ctx.files.read(file_id ?? '');
        return {
          thread_id: threadId,
          file:
            file === undefined
              ? null
              : { name: file.name, size: file.size, first_bytes: [...file.bytes.subarray(0, 4)] },
        };
      }
      case 'tool_error':
        throw new ToolError('PDF_INVALID', 'the probe says the file is corrupt');
      case 'crash':
        throw new RangeError('the probe broke');
    }
  },
});
