import { appendFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { ConfigurableTool, ToolSettings } from '../configurable-tool';
import { defineTool, type ToolDefinition } from '../tool-definition';
import { sleepReporting } from './sleep';

/**
 * One line of the test ledger: a `tally` execution that completed. Temporal's history keeps
 * only an activity's last attempt, so an attempt whose tool finished but whose result never
 * reached Temporal (its worker killed a moment later, its heartbeat timed out) shows in the
 * ledger alone.
 */
export interface TallyEntry {
  job_id: string;
  run_id: string;
  step_id: string;
  step_index: number;
  attempt: number;
  /** When the execution completed, ISO 8601. */
  at: string;
}

const definition = defineTool({
  tool_id: 'tally',
  name: 'Tally (test)',
  description:
    "Test tool: waits `ms` milliseconds as `sleep` does, then appends one line naming its job, run, step and attempt to the worker's " +
    'test ledger (`test-ledger.jsonl` in its data folder) and returns `value`: every completed execution is counted, also one whose result Temporal never heard of.',
  version: '1.0.0',
  parameters: z.object({
    ms: z
      .number()
      .int()
      .min(0)
      .max(600_000)
      .default(0)
      .describe('How long to wait before completing, in milliseconds (at most 10 minutes).'),
    value: z.unknown().optional().describe('Any JSON value, returned as is.'),
  }),
  outputs: z.object({
    value: z.unknown().describe('The `value` parameter, or null when it was absent.'),
  }),
  run: () => Promise.reject(new Error('tally runs only as configured by the activity layer')),
});

/** Test tool `tally`: a `sleep` that counts each of its completed executions in the worker's test ledger. */
export const tally: ConfigurableTool = {
  ...definition,
  configure(settings: ToolSettings): ToolDefinition {
    return defineTool({
      ...definition,
      async run({ ms, value }, ctx) {
        await sleepReporting(ms, ctx);
        if (settings.testLedgerPath !== undefined) {
          const { job_id, run_id, step_id, step_index } = ctx.step;
          const entry: TallyEntry = {
            job_id,
            run_id,
            step_id,
            step_index,
            attempt: ctx.attempt,
            at: new Date().toISOString(),
          };
          // One short O_APPEND write per line: whole lines, also from several worker processes.
          await appendFile(settings.testLedgerPath, `${JSON.stringify(entry)}\n`);
        }
        return { value: value ?? null };
      },
    });
  },
};

/** Where a worker with the test tools keeps its `tally` ledger: `test-ledger.jsonl` in its data folder (`ORDO_DATA_DIR`). */
export function tallyLedgerPath(dataDir: string): string {
  return join(dataDir, 'test-ledger.jsonl');
}

/** The entries of a `tally` ledger, in the order they were written; none when no `tally` execution completed. */
export async function readTallyLedger(path: string): Promise<TallyEntry[]> {
  const text = await readFile(path, 'utf8').catch((err: unknown) => {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw err;
  });
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as TallyEntry);
}
