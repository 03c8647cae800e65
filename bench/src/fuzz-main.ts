/**
 * The long fuzz run: Schemathesis against Ordo's API, as the fuzz test runs it
 * (apps/api/test/fuzz.test.ts: the same seeded data, checks and set-asides) but for far
 * longer and with far more examples per operation, on a fresh stack. Prints Schemathesis'
 * summary, writes bench/results/fuzz-latest.json, and exits 1 when it found anything.
 *
 *   pnpm bench:fuzz [--minutes 30] [--examples 500] [--seed N] [--no-write]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runSchemathesis, seedFuzzData } from '@ordo/testing';
import { integerFlag } from './flags';
import { checkout } from './git';
import { machineInfo } from './machine';
import { writeResults } from './results';
import { startStack } from './stack';

const { values: flags } = parseArgs({
  options: {
    minutes: { type: 'string', default: '30' },
    examples: { type: 'string', default: '500' },
    seed: { type: 'string' },
    'no-write': { type: 'boolean', default: false },
  },
});
const minutes = integerFlag('minutes', flags.minutes, 1);
const examples = integerFlag('examples', flags.examples, 1);
const seed = flags.seed === undefined ? undefined : integerFlag('seed', flags.seed, 0);
const log = (line: string): void => console.error(`bench:fuzz: ${line}`);

const load_before = loadavg()[0]!;
const stack = await startStack({ fileDb: false, baseline: false }, log);
const workDir = mkdtempSync(join(tmpdir(), 'ordo-bench-fuzz-'));
let found = 0;
try {
  const { data } = await seedFuzzData(stack.api);
  log(
    `seeded; fuzzing for ${minutes} min, ${examples} examples per operation and phase (Schemathesis' output follows)`,
  );
  const run = await runSchemathesis({
    baseUrl: stack.api,
    data,
    maxExamples: examples,
    maxTimeSeconds: minutes * 60,
    seed,
    workDir,
    onLine: (line) => console.error(line),
  });
  const { report } = run;
  found = report.failures.length + report.errors.length;
  const result = {
    date: new Date().toISOString(),
    ...checkout(),
    machine: {
      ...machineInfo(),
      load_before,
      load_after: loadavg()[0]!,
    },
    schemathesis: report.schemathesis_version,
    seed: report.seed,
    max_examples: examples,
    max_time_s: minutes * 60,
    running_time_s: Math.round(report.running_time),
    operations: report.operations,
    phases: Object.fromEntries(Object.entries(report.phases).map(([name, phase]) => [name, phase.status])),
    test_cases: report.test_cases,
    failures: report.failures,
    errors: report.errors.length,
    set_aside: report.filtered,
    warnings: Object.fromEntries(Object.entries(report.warnings).filter(([, v]) => Array.isArray(v) && v.length > 0)),
    summary: run.summary,
  };
  console.log(
    `Ordo fuzz run, ${result.date} (commit ${result.commit}${result.dirty ? ', uncommitted changes' : ''}), Schemathesis ${result.schemathesis}`,
  );
  console.log(
    `machine: ${result.machine.cores} cores (${result.machine.cpu}), Node ${result.machine.node}; load (1 min) ${load_before.toFixed(2)} before, ${result.machine.load_after.toFixed(2)} after\n`,
  );
  console.log(run.summary);
  if (!flags['no-write']) {
    log(`results written to ${writeResults('fuzz-latest', result.date, result)}`);
  }
} finally {
  await stack.stop();
  rmSync(workDir, { recursive: true, force: true });
}
process.exitCode = found > 0 ? 1 : 0;
