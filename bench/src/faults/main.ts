/**
 * The fault suite: Ordo under SIGKILLed workers, a SIGKILLed and restarted Temporal server, a
 * SIGKILLed API with idempotent creates and starts in flight, PostgreSQL stopped for 20 s, and
 * a worker with the smallest workflow cache, each scenario with 30–100 jobs in flight on real
 * processes on loopback ports. Prints the scenario × measure table and writes
 * bench/results/faults-latest.json (and a dated copy). See bench/README.md.
 *
 *   pnpm bench:faults [--jobs 45] [--only name,name] [--no-write] [--histories dir]
 */
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { formatFaultReport, type FaultSuiteResult } from './report';
import { runScenario, SCENARIO_NAMES, type ScenarioName, type ScenarioResult } from './scenarios';
import { FaultStack } from './stack';
import { checkout } from '../git';
import { machineInfo } from '../machine';
import { writeResults } from '../results';

const { values: flags } = parseArgs({
  options: {
    jobs: { type: 'string', default: '45' },
    only: { type: 'string' },
    'no-write': { type: 'boolean', default: false },
    histories: { type: 'string' },
  },
});
const jobs = Number(flags.jobs);
if (!Number.isInteger(jobs) || jobs < 3 || jobs > 100)
  throw new Error(`--jobs must be a whole number from 3 to 100, got '${flags.jobs}'`);
const only = flags.only?.split(',').map((s) => s.trim()) ?? [...SCENARIO_NAMES];
const unknown = only.filter((name) => !(SCENARIO_NAMES as readonly string[]).includes(name));
if (unknown.length > 0)
  throw new Error(`--only: no scenario ${unknown.join(', ')}; the scenarios are ${SCENARIO_NAMES.join(', ')}`);
const log = (line: string): void => console.error(`bench:faults: ${line}`);

const t0 = Date.now();
const load_1m_before = Math.round(loadavg()[0]! * 100) / 100;
const stack = await FaultStack.start({ log });
const scenarios: ScenarioResult[] = [];
try {
  for (const name of only as ScenarioName[]) {
    log(`${name}: starting (${jobs} jobs)`);
    const result = await runScenario(stack, name, {
      jobs,
      log,
      ...(flags.histories !== undefined && { historiesDir: resolve(flags.histories) }),
    });
    log(`${name}: done in ${result.duration_s} s: ${JSON.stringify({ ...result.measures, examples: undefined })}`);
    scenarios.push(result);
  }
} finally {
  await stack.stop();
}
const result: FaultSuiteResult = {
  date: new Date().toISOString(),
  ...checkout(),
  machine: {
    ...machineInfo(),
    load_1m_before,
    load_1m_after: Math.round(loadavg()[0]! * 100) / 100,
  },
  jobs,
  duration_s: Math.round((Date.now() - t0) / 1000),
  scenarios,
};
console.log(formatFaultReport(result));
if (!flags['no-write']) log(`results written to ${writeResults('faults-latest', result.date, result)}`);
