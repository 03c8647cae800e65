import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  JOB_WORKFLOW_TYPE,
  WorkflowDefinition,
  type JobRecord,
  type JobWorkflowInput,
  type JobWorkflowResult,
} from '@ordo/core';
import { toFileValue, type OrdoStore } from '@ordo/storage';
import {
  createDatabase,
  makePdf,
  pollUntil,
  seedFile,
  startPostgres,
  uniqueTaskQueue,
  type PostgresServer,
} from '@ordo/testing';
import { TEST_TOOLS, TOOLS } from '@ordo/tools';
import { insertJob } from './insert-job';
import { startRunningWorker, type RunningWorker } from './running-worker';
import { preparedInput } from './prepared-start';

/** Longer than a step's three attempts take with the platform's retry policy (1 s, then 2 s). */
const OUTAGE_MS = 10_000;
const TOOLSET = [...TOOLS, ...TEST_TOOLS];
const seed = WorkflowDefinition.parse(JSON.parse(seedFile('wf_analyze_document.json')));
const definition = (name: string, steps: unknown[]) =>
  WorkflowDefinition.parse({ workflow_id: name, name, input_variables: [], steps });
const nap = (step_id: string, ms: number) => ({
  step_id,
  tool: { tool_id: 'sleep', name: 'Sleep' },
  parameter_mappings: { ms: { const: ms } },
  output_mappings: {},
});

/**
 * The worker's side of a PostgreSQL outage (a server of the test's own, stopped at once and
 * started again): runs that begin while it is down wait for it in their first attempt (the
 * claim of the job, the seed's PDF read) instead of spending their attempts; a step that ends
 * while it is down completes or fails as its tool did, its record written by the workflow once
 * the database is back; a run given only its job retries its local activity. Every run ends as
 * its steps did, on their first attempt, and the store says so.
 */
describe('job runs across a PostgreSQL outage', () => {
  let server: PostgresServer;
  let store: OrdoStore;
  let client: Client;
  let running: RunningWorker;
  const taskQueue = uniqueTaskQueue('db-outage');

  beforeAll(async () => {
    server = await startPostgres();
    running = await startRunningWorker({
      name: 'db-outage',
      taskQueue,
      tools: TOOLSET,
      databaseUrl: (await createDatabase(server.url, 'worker_outage')).url,
    });
    ({ store, client } = running);
  });

  afterAll(async () => {
    await running?.stop();
    await server?.stop();
  });

  const start = (job: JobRecord, input: Partial<JobWorkflowInput> = {}) =>
    client.workflow.start(JOB_WORKFLOW_TYPE, {
      workflowId: job.job_id,
      taskQueue,
      args: [{ job_id: job.job_id, ...input }],
    });

  it('begins, ends and records every run once the database is back, each step on its first attempt', async () => {
    const pdf = await makePdf([['Northwind Traders Annual Report 2031', 'Revenue reached $42.7 million this year.']]);
    const file = await store.files.save(
      { name: 'northwind.pdf', mime_type: 'application/pdf', bytes: pdf },
      new Date().toISOString(),
    );
    const seedJob = await insertJob(store, seed, { input_doc: toFileValue(file), depth: 'basic' });
    const napsJob = await insertJob(store, definition('wf_naps', [nap('a', 300), nap('b', 300)]), {});
    const endingJob = await insertJob(store, definition('wf_ending', [nap('long', 3000)]), {});
    const failingJob = await insertJob(
      store,
      definition('wf_failing', [
        nap('long', 3000),
        {
          step_id: 'boom',
          tool: { tool_id: 'fail', name: 'Fail' },
          parameter_mappings: { code: { const: 'TOOL_FAILED' }, message: { const: 'failed on purpose' } },
          output_mappings: {},
        },
      ]),
      {},
    );
    const plainJob = await insertJob(store, definition('wf_plain', [nap('a', 300)]), {});

    // Two runs whose first step is running (claimed) when the database stops, and ends while it is down.
    const ending = await start(endingJob, preparedInput(endingJob, TOOLSET));
    const failing = await start(failingJob, preparedInput(failingJob, TOOLSET));
    await pollUntil(
      () => Promise.all([endingJob, failingJob].map((j) => store.jobs.getStored(j.job_id))),
      (jobs) => jobs.every((j) => j?.run !== undefined),
    );
    await server.halt();
    const haltedAt = Date.now();
    // Three runs begun while it is down: two prepared by the API (their first tool claims the job), one given only its job (a local activity claims it).
    const begun = [
      await start(seedJob, preparedInput(seedJob, TOOLSET)),
      await start(napsJob, preparedInput(napsJob, TOOLSET)),
      await start(plainJob),
    ];
    await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS - (Date.now() - haltedAt)));
    await server.resume();

    const results = await Promise.all([...begun, ending].map((h) => h.result() as Promise<JobWorkflowResult>));
    expect(results.map((r) => r.status)).toEqual(['Completed', 'Completed', 'Completed', 'Completed']);
    await expect(failing.result()).rejects.toThrow();

    for (const job of [seedJob, napsJob, plainJob, endingJob]) {
      const stored = await store.jobs.getStored(job.job_id);
      expect(stored?.run?.status, job.name).toBe('Completed');
      expect(
        stored?.run?.steps.map((s) => [s.status, s.attempt]),
        job.name,
      ).toEqual(job.steps.map(() => ['Completed', 1]));
    }
    const failed = await store.jobs.getStored(failingJob.job_id);
    expect(failed?.run).toMatchObject({
      status: 'Failed',
      error: { code: 'TOOL_FAILED', message: 'failed on purpose' },
    });
    expect(failed?.run?.steps.map((s) => [s.status, s.attempt])).toEqual([
      ['Completed', 1],
      ['Failed', 1],
    ]);
    // Each tool ran once: one activity scheduled per step, none retried.
    for (const handle of [...begun, ending, failing]) {
      const history = await handle.fetchHistory();
      const attempts = history.events
        ?.filter((e) => e.activityTaskStartedEventAttributes)
        .map((e) => e.activityTaskStartedEventAttributes?.attempt);
      expect(
        attempts?.every((a) => a === 1),
        `${handle.workflowId}: ${JSON.stringify(attempts)}`,
      ).toBe(true);
    }
  });
});
