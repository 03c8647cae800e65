import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  freePort,
  installSchemathesis,
  ordoProcessEnv,
  pollUntil,
  runSchemathesis,
  seedFuzzData,
  startOrdoProcess,
  tempDataDir,
  waitForOk,
  type OrdoProcess,
} from '@ordo/testing';

/** The fuzzer's budget in this suite: about 2.5 of the test's 3–4 minutes (`pnpm bench:fuzz` runs far longer). */
const MAX_TIME_S = 150;
const MAX_EXAMPLES = 25;

/**
 * Schemathesis against the real API and worker processes (SQLite, the run's Temporal dev
 * server, the test tools), with seed 002's workflow (docs/contract.md), files and jobs in every state loaded
 * first: every operation of `/openapi.json` through every phase (its examples, boundary
 * values, random and invalid requests, and sequences following the document's links), every
 * check (`packages/testing/src/schemathesis.toml` says how two are tuned and why). No server
 * error, no response the document does not declare, no request the document calls invalid
 * accepted (nor a valid one refused as malformed).
 */
describe('the API fuzzed against its own OpenAPI document', () => {
  let dataDir: { path: string; remove: () => Promise<void> };
  let base: string;
  const processes: OrdoProcess[] = [];

  beforeAll(async () => {
    // A fresh machine installs it here (about a minute) when `./ordo test` has not already.
    installSchemathesis();
    dataDir = await tempDataDir('fuzz');
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const env = ordoProcessEnv({ label: 'fuzz', port, dataDir: dataDir.path, extra: { ORDO_TEST_TOOLS: '1' } });
    const worker = startOrdoProcess('worker', env);
    processes.push(worker, startOrdoProcess('api', env));
    await pollUntil(
      () => Promise.resolve(worker.output()),
      (out) => out.includes('Ordo worker polling') || worker.child.exitCode !== null,
      { timeoutMs: 120_000, intervalMs: 200 },
    );
    await waitForOk(`${base}/ready`, 120_000);
  }, 300_000);

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.stop()));
    await dataDir?.remove();
  });

  it('finds no server error and no answer the document does not declare', async () => {
    const { data } = await seedFuzzData(base);
    const run = await runSchemathesis({
      baseUrl: base,
      data,
      maxExamples: MAX_EXAMPLES,
      maxTimeSeconds: MAX_TIME_S,
      workDir: join(dataDir.path, 'schemathesis'),
    });
    console.log(`fuzz: Schemathesis ${run.report.schemathesis_version}\n${run.summary}`);
    if (run.report.filtered > 0)
      console.log(`fuzz: ${run.report.filtered} failure(s) set aside by Schemathesis' filters`);
    const { report } = run;

    expect(report.failures, run.failures.slice(0, 30_000)).toEqual([]);
    expect(report.errors, run.output.slice(-10_000)).toEqual([]);
    // It reached everything: a run that tested nothing would pass the two above. Everything but
    // the two event streams, which `schemathesis.toml` leaves to their own test.
    expect(report.operations.total - report.operations.selected).toBe(2);
    expect(report.operations.tested).toBe(report.operations.selected);
    for (const phase of ['examples', 'coverage', 'fuzzing', 'stateful'])
      expect(report.phases[phase]?.status, phase).toBe('success');
    expect(report.test_cases.generated).toBeGreaterThan(1000);
    // Neither process fell over under it.
    for (const p of processes) expect(p.child.exitCode, p.output().slice(-5000)).toBeNull();
  }, 600_000);
});
