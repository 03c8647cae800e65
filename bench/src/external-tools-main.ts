/**
 * The external tools bench: a step of the `noop` tool served by Ordo's worker (built in)
 * against the same tool definition served by a tool worker of its own (`@ordo/tool-kit`'s
 * `runToolWorker`, `builtin: false`), on one fresh Temporal dev server, in one run, the sides
 * taking turns; and the control, a hand-written workflow calling an activity on its own queue
 * and the external worker's (what another task queue costs without Ordo). Prints a table and writes bench/results/external-tools-latest.json (and a
 * dated copy). See bench/README.md.
 *
 *   pnpm bench:external-tools [--steps 20] [--jobs 20] [--warmup 2] [--no-control] [--no-write]
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { treeCpuMs } from './cpu';
import { measureExternalTools } from './external-tools/measure';
import { formatExternalToolsReport, type ExternalToolsResult } from './external-tools/report';
import { integerFlag } from './flags';
import { checkout } from './git';
import { machineInfo } from './machine';
import { writeResults } from './results';
import { startStack } from './stack';

const { values: flags } = parseArgs({
  options: {
    steps: { type: 'string', default: '20' },
    jobs: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '2' },
    'no-control': { type: 'boolean', default: false },
    'no-write': { type: 'boolean', default: false },
  },
});
const config = {
  steps: integerFlag('steps', flags.steps, 2),
  jobs: integerFlag('jobs', flags.jobs, 1),
  warmup: integerFlag('warmup', flags.warmup, 0),
  control: !flags['no-control'],
};
const log = (line: string): void => console.error(`bench:external-tools: ${line}`);

const load_1m_before = loadavg()[0]!;
const stack = await startStack({ fileDb: false, baseline: config.control, externalToolWorker: true }, log);
try {
  const figures = await measureExternalTools(
    {
      api: stack.api,
      client: stack.client,
      cpuNow: () => {
        const usage = process.cpuUsage();
        const reading: Record<string, number | undefined> = { bench: (usage.user + usage.system) / 1000 };
        for (const [name, pid] of Object.entries(stack.pids())) reading[name] = treeCpuMs(pid);
        return reading;
      },
    },
    config,
    log,
  );
  const { commit, dirty } = checkout();
  const { cores, cpu, node } = machineInfo();
  const result: ExternalToolsResult = {
    date: new Date().toISOString(),
    commit,
    dirty,
    machine: { cores, cpu, node, load_1m_before, load_1m_after: loadavg()[0]! },
    config,
    figures,
  };
  console.log(formatExternalToolsReport(result));
  if (!flags['no-write']) log(`results written to ${writeResults('external-tools-latest', result.date, result)}`);
} finally {
  await stack.stop();
}
