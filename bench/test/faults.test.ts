import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { temporalAddress } from '@ordo/testing';
import {
  FaultStack,
  runScenario,
  type ScenarioMeasures,
  type ScenarioName,
  type ScenarioResult,
} from '../src/faults/index';

const JOBS = 9;
const log = (line: string): void => console.log(`faults: ${line}`);

/** The measures the targets fix, and their targets: every job completed, nothing stuck, lost, duplicated or run again, recovery in bound. */
function verdict(m: ScenarioMeasures) {
  const {
    completed,
    failed,
    stuck,
    lost,
    duplicated,
    steps_run_again,
    recovery_over_bound,
    contract_violations,
    unexpected_exits,
  } = m;
  return {
    completed,
    failed,
    stuck,
    lost,
    duplicated,
    steps_run_again,
    recovery_over_bound,
    contract_violations,
    unexpected_exits,
  };
}

/**
 * The fault suite's short form (`pnpm bench:faults` runs it whole, with 45 jobs a scenario):
 * the same scenario code with 9 jobs each, for the scenarios that fit a test run. A worker
 * SIGKILLed mid-activity, then Temporal SIGKILLed and restarted, on a dev server of the
 * test's own (its database in a file, so it restarts on its state); beside them, on the run's
 * server, the API SIGKILLed with idempotent creates and starts in flight, whose retries wait
 * out the lease (10 s unrenewed) after which a dead request's key is freed. All on the run's
 * PostgreSQL, a database per scenario (the database outage, which needs a server of its own to
 * stop, is `database-outage.test.ts`).
 */
describe('the fault suite, short form', () => {
  let own: FaultStack | undefined;
  let shared: FaultStack | undefined;
  const runs = new Map<ScenarioName, Promise<ScenarioResult>>();

  beforeAll(async () => {
    own = await FaultStack.start({ postgresUrl: inject('postgresUrl'), log });
    shared = await FaultStack.start({ postgresUrl: inject('postgresUrl'), temporalAddress: temporalAddress(), log });
    runs.set('api-kill-idempotent', runScenario(shared, 'api-kill-idempotent', { jobs: JOBS, log }));
    const first = runScenario(own, 'worker-kill-activity', { jobs: JOBS, log });
    runs.set('worker-kill-activity', first);
    const stack = own;
    runs.set(
      'temporal-kill',
      first.catch(() => undefined).then(() => runScenario(stack, 'temporal-kill', { jobs: JOBS, log })),
    );
    // Each test awaits its own; a failure is reported there, not as an unhandled rejection.
    for (const run of runs.values()) run.catch(() => undefined);
  });

  afterAll(async () => {
    await Promise.allSettled(runs.values());
    await own?.stop();
    await shared?.stop();
  });

  it.each(['worker-kill-activity', 'temporal-kill', 'api-kill-idempotent'] as const)(
    '%s: every job completes, none stuck, lost, duplicated or run again, recovery in bound',
    { timeout: 480_000 },
    async (name) => {
      const result = await runs.get(name)!;
      log(`${name}: ${JSON.stringify(result.measures)}`);
      expect(verdict(result.measures), JSON.stringify(result.measures.examples, null, 1)).toEqual({
        completed: JOBS,
        failed: 0,
        stuck: 0,
        lost: 0,
        duplicated: 0,
        steps_run_again: 0,
        recovery_over_bound: 0,
        contract_violations: 0,
        unexpected_exits: 0,
      });
      // Each affected job was looked at: the fault met running jobs.
      expect(result.measures.slowest_recovery_s).not.toBeNull();
    },
  );
});
