import { afterEach, beforeEach, expect, it } from 'vitest';
import type { InputVariable, JobRecord, StepDefinition } from '@ordo/core';
import { forEachDialect, testStoreConfig, type TestStoreConfig } from '@ordo/testing';
import { newId, openStore, type OrdoStore } from '../src/index';

/*
 * Two stores on one database in one process, as the API and the worker share a process in
 * the integration tests: many tool attempts writing their starts, progress and endings at
 * once from both. Better-sqlite3 is synchronous and its busy handler blocks the thread, so a
 * SQLite write transaction left open across an `await` while the other connection waits for
 * its lock stalls both for `busy_timeout` and then fails with SQLITE_BUSY. Every write must
 * succeed; the slowest write is reported.
 */

const INPUTS: InputVariable[] = [{ name: 'Text', variable_id: 'text', required: true, schema: { type: 'string' } }];
const STEPS: StepDefinition[] = ['one', 'two'].map((step_id) => ({
  type: 'tool',
  step_id,
  name: step_id,
  tool: { tool_id: 'text_analyzer', name: 'Analyzer' },
  parameter_mappings: { text: 'text' },
  output_mappings: {},
}));
const JOBS_PER_STORE = 8;
const PROGRESS_PER_ATTEMPT = 10;

forEachDialect('job event writes from two stores in one process', (dialect) => {
  let target: TestStoreConfig;
  let stores: OrdoStore[];

  beforeEach(async () => {
    target = await testStoreConfig(dialect, 'contention');
    stores = [await openStore(target.config), await openStore(target.config)];
    const created = await stores[0]!.workflows.create(
      { workflow_id: 'wf', name: 'wf', status: 'PUBLISHED', input_variables: INPUTS, steps: STEPS },
      new Date().toISOString(),
    );
    expect(created.ok).toBe(true);
  });

  afterEach(async () => {
    for (const store of stores) await store.close();
    await target.remove();
  });

  it('lets both write every attempt start, progress and ending concurrently, none failing', async () => {
    const now = () => new Date().toISOString();
    const jobs: { store: OrdoStore; job: JobRecord; run_id: string }[] = [];
    for (const store of stores) {
      for (let i = 0; i < JOBS_PER_STORE; i++) {
        const job: JobRecord = {
          job_id: newId('job'),
          workflow_id: 'wf',
          workflow_version: 1,
          name: 'job',
          created_at: now(),
          updated_at: now(),
          input_variables: INPUTS,
          input_values: { text: 'hello' },
          input_errors: {},
          steps: STEPS,
          output_variables: [],
          correlation_id: 'c',
          context: {},
        };
        await store.jobs.insert(job);
        const run_id = `run_${job.job_id}`;
        expect(await store.runs.claimRun({ job_id: job.job_id, run_id, started_at: now() }, now())).toMatchObject({
          ok: true,
        });
        jobs.push({ store, job, run_id });
      }
    }
    let slowest = 0;
    const timed = async (write: () => Promise<unknown>) => {
      const started = performance.now();
      await write();
      slowest = Math.max(slowest, performance.now() - started);
    };
    const started = performance.now();
    const results = await Promise.allSettled(
      jobs.flatMap(({ store, job, run_id }) =>
        STEPS.map(async (step, step_index) => {
          const at = { run_id, job_id: job.job_id, step_index, step_id: step.step_id, type: 'tool' };
          const began = now();
          await timed(() => store.runs.recordAttemptStarted(at, 1, 1, began));
          for (let n = 0; n < PROGRESS_PER_ATTEMPT; n++) {
            await timed(() =>
              store.runs.recordAttemptProgress(at, 1, { message: `${n + 1} of ${PROGRESS_PER_ATTEMPT}` }, now()),
            );
          }
          await timed(() => store.runs.recordAttemptEnded(at, 1, began, { outputs: {} }, now()));
        }),
      ),
    );
    const elapsed = performance.now() - started;
    const failures = results.flatMap((r) => (r.status === 'rejected' ? [String(r.reason)] : []));
    console.log(
      `[contention] ${dialect}: ${results.length} attempts, ${failures.length} failed, slowest write ${Math.round(slowest)} ms, all in ${Math.round(elapsed)} ms`,
    );
    expect(failures).toEqual([]);
    // Every write implied its event: a start, each progress message and the completion per step.
    const events = await stores[0]!.events.list({}, 0, 10_000);
    const perAttempt = (type: string) => events.filter((e) => e.type === type).length;
    expect(perAttempt('step.started')).toBe(results.length);
    expect(perAttempt('step.progress')).toBe(results.length * PROGRESS_PER_ATTEMPT);
    expect(perAttempt('step.completed')).toBe(results.length);
  });
});
