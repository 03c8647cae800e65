import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  initialRunHeader,
  runHeaderSource,
  type InputVariable,
  type JobRecord,
  type RunHeader,
  type StepDefinition,
  type StepRun,
} from '@ordo/core';
import { sql } from 'kysely';
import { forEachDialect, testStoreConfig, type TestStoreConfig } from '@ordo/testing';
import { newId, openStore, type OrdoStore } from '../src/index';
import { migrationProvider } from '../src/migrations';

const now = () => new Date().toISOString();
/** A fixed instant `seconds` into 2031, so runs and steps order predictably. */
const at = (seconds: number) => new Date(Date.UTC(2031, 0, 1, 0, 0, seconds)).toISOString();

const INPUTS: InputVariable[] = [{ name: 'Text', variable_id: 'text', required: true, schema: { type: 'string' } }];
const STEPS: StepDefinition[] = [
  {
    type: 'tool',
    step_id: 'extract',
    name: 'Extract',
    tool: { tool_id: 'text_analyzer', name: 'Analyzer' },
    parameter_mappings: { text: 'text' },
    output_mappings: { analysis_results: 'first' },
  },
  {
    type: 'tool',
    step_id: 'analyze',
    name: 'Analyze',
    tool: { tool_id: 'text_analyzer', name: 'Analyzer' },
    parameter_mappings: { text: 'first' },
    output_mappings: { analysis_results: 'second' },
  },
  {
    type: 'tool',
    step_id: 'summarize',
    name: 'Summarize',
    tool: { tool_id: 'text_analyzer', name: 'Analyzer' },
    parameter_mappings: { text: 'second' },
    output_mappings: { analysis_results: 'result' },
  },
];

forEachDialect('store', (dialect) => {
  let target: TestStoreConfig;
  let store: OrdoStore;

  beforeEach(async () => {
    target = await testStoreConfig(dialect, 'store');
    store = await openStore(target.config);
    expect(store.dialect).toBe(dialect);
    for (const workflow_id of ['wf', 'wf_other']) {
      const created = await store.workflows.create(
        { workflow_id, name: workflow_id, status: 'PUBLISHED', input_variables: INPUTS, steps: STEPS },
        now(),
      );
      expect(created.ok).toBe(true);
    }
  });

  afterEach(async () => {
    await store.close();
    await target.remove();
  });

  /** A PENDING job of `wf`: with a valid input unless `valid: false`. */
  function pendingJob(options: { valid?: boolean; workflow_id?: string; created_at?: string } = {}): JobRecord {
    const valid = options.valid ?? true;
    const created = options.created_at ?? at(0);
    return {
      job_id: newId('job'),
      workflow_id: options.workflow_id ?? 'wf',
      workflow_version: 1,
      name: 'job',
      created_at: created,
      updated_at: created,
      input_variables: INPUTS,
      input_values: valid ? { text: 'hello' } : {},
      input_errors: valid ? {} : { text: 'Text is required' },
      steps: STEPS,
      output_variables: ['result'],
      correlation_id: 'corr-1',
      context: { customerId: '123' },
    };
  }

  async function insertJob(options: Parameters<typeof pendingJob>[0] = {}): Promise<JobRecord> {
    const job = pendingJob(options);
    await store.jobs.insert(job);
    return job;
  }

  /** Claims a job for a fresh start of `runId`, expecting it to succeed. */
  async function claim(job: JobRecord, runId: string, startedAt: string): Promise<void> {
    const claimed = await store.runs.claimRun({ job_id: job.job_id, run_id: runId, started_at: startedAt }, now());
    expect(claimed, `claim of ${runId}`).toMatchObject({ ok: true, started_at: startedAt });
  }

  function header(job: JobRecord, runId: string, startedAt: string, patch: Partial<RunHeader> = {}): RunHeader {
    return { ...initialRunHeader(runHeaderSource(job), runId, startedAt), ...patch };
  }

  function step(index: number, patch: Partial<StepRun>): StepRun {
    const definition = STEPS[index]!;
    return { index, step_id: definition.step_id, type: definition.type, status: 'NotStarted', attempt: 0, ...patch };
  }

  /** The job row's run-derived columns, which lists and filters read. */
  async function jobRow(jobId: string) {
    return store.db
      .selectFrom('jobs')
      .select(['status', 'run_id', 'started_at', 'completed_at'])
      .where('job_id', '=', jobId)
      .executeTakeFirstOrThrow();
  }

  /**
   * Runs `runId` of `job` to a failure at step 1: step 0 completed with outputs, step 1
   * failed, step 2 never started (the workflow's final record holds every step).
   */
  async function failAtStep1(job: JobRecord, runId: string, startedAt: number): Promise<void> {
    const applied = await store.runs.recordRun(
      {
        header: header(job, runId, at(startedAt), {
          status: 'Failed',
          current_step_index: 1,
          completed_at: at(startedAt + 5),
          failed_at: at(startedAt + 5),
          error: { code: 'TOOL_FAILED', message: 'boom' },
          live_output: 'Step analyze failed: boom',
          variables: { text: 'hello', first: `first of ${runId}` },
          output_data: {},
        }),
        steps: [
          step(0, {
            status: 'Completed',
            attempt: 1,
            started_at: at(startedAt + 1),
            completed_at: at(startedAt + 2),
            outputs: { analysis_results: `first of ${runId}` },
          }),
          step(1, {
            status: 'Failed',
            attempt: 3,
            started_at: at(startedAt + 3),
            completed_at: at(startedAt + 5),
            failed_at: at(startedAt + 5),
            error: { code: 'TOOL_FAILED', message: 'boom' },
          }),
          step(2, {}),
        ],
      },
      now(),
    );
    expect(applied).toBe(true);
  }

  it('refuses a second workflow with the same id', async () => {
    const again = await store.workflows.create(
      { workflow_id: 'wf', name: 'other', status: 'DRAFT', input_variables: [], steps: STEPS },
      now(),
    );
    expect(again).toEqual({ ok: false, code: 'WORKFLOW_EXISTS' });
    expect((await store.workflows.get('wf'))?.name).toBe('wf');
  });

  describe('jobs', () => {
    it('stores a pending job with no run and reads it back whole', async () => {
      const job = await insertJob();
      expect(await store.jobs.get(job.job_id)).toEqual(job);
      expect(await store.jobs.getStored(job.job_id)).toEqual({
        job,
        run: undefined,
        runs: [],
        updated_at: job.updated_at,
        revision: 0,
      });
      expect(await jobRow(job.job_id)).toEqual({
        status: 'PENDING',
        run_id: null,
        started_at: null,
        completed_at: null,
      });
      expect(await store.jobs.get('job_unknown')).toBeUndefined();
      expect(await store.jobs.getStored('job_unknown')).toBeUndefined();
    });

    it('lists newest first (job_id breaking ties), filtered by workflow and status, continuing after a cursor', async () => {
      const oldest = await insertJob({ created_at: at(1) });
      const tiedA = await insertJob({ created_at: at(2) });
      const tiedB = await insertJob({ created_at: at(2) });
      const other = await insertJob({ created_at: at(3), workflow_id: 'wf_other' });
      const newest = await insertJob({ created_at: at(4) });
      await claim(tiedA, 'run_a', at(10));
      const [tiedHigh, tiedLow] = tiedA.job_id > tiedB.job_id ? [tiedA, tiedB] : [tiedB, tiedA];
      const ids = (jobs: { job: JobRecord }[]) => jobs.map((j) => j.job.job_id);

      const all = await store.jobs.list({ limit: 10 });
      expect(ids(all)).toEqual([newest, other, tiedHigh, tiedLow, oldest].map((j) => j.job_id));

      // Paging two at a time with the last row as the cursor visits every job once, in order.
      const paged: string[] = [];
      let after: { created_at: string; job_id: string } | undefined;
      for (;;) {
        const page = await store.jobs.list({ limit: 2, after });
        paged.push(...ids(page));
        const last = page.at(-1);
        if (page.length < 2 || !last) break;
        after = { created_at: last.job.created_at, job_id: last.job.job_id };
      }
      expect(paged).toEqual(ids(all));

      expect(ids(await store.jobs.list({ limit: 10, workflow_id: 'wf_other' }))).toEqual([other.job_id]);
      const running = await store.jobs.list({ limit: 10, status: 'RUNNING' });
      expect(ids(running)).toEqual([tiedA.job_id]);
      expect(running[0]?.run).toMatchObject({ run_id: 'run_a', status: 'InProgress', started_at: at(10) });
      expect(running[0]?.runs).toEqual([{ run_id: 'run_a', status: 'RUNNING', started_at: at(10) }]);
      expect(ids(await store.jobs.list({ limit: 10, status: 'PENDING', workflow_id: 'wf' }))).toEqual(
        [newest, tiedB, oldest].map((j) => j.job_id),
      );
    });

    it('replaces inputs only while the job is pending', async () => {
      const job = await insertJob({ valid: false });
      const set = await store.jobs.setInputs(job.job_id, { text: 'hi' }, {}, at(5));
      expect(set).toEqual({
        ok: true,
        job: { ...job, input_values: { text: 'hi' }, input_errors: {}, updated_at: at(5) },
        revision: 1,
      });

      await claim(job, 'run_1', at(10));
      expect(await store.jobs.setInputs(job.job_id, { text: 'changed' }, {}, at(11))).toEqual({
        ok: false,
        code: 'JOB_NOT_PENDING',
      });
      expect((await store.jobs.get(job.job_id))?.input_values).toEqual({ text: 'hi' });
      expect(await store.jobs.setInputs('job_unknown', {}, {}, at(11))).toEqual({ ok: false, code: 'JOB_NOT_FOUND' });
    });
  });

  describe('claimRun', () => {
    it('refuses a job whose inputs are invalid, and a job that does not exist, changing nothing', async () => {
      const job = await insertJob({ valid: false });
      expect(await store.runs.claimRun({ job_id: job.job_id, run_id: 'run_1', started_at: at(10) }, now())).toEqual({
        ok: false,
        code: 'JOB_NOT_STARTABLE',
        status: 'PENDING',
      });
      expect(await store.jobs.getStored(job.job_id)).toMatchObject({ run: undefined, runs: [] });
      expect(await jobRow(job.job_id)).toEqual({
        status: 'PENDING',
        run_id: null,
        started_at: null,
        completed_at: null,
      });
      expect(await store.runs.claimRun({ job_id: 'job_unknown', run_id: 'run_2', started_at: at(10) }, now())).toEqual({
        ok: false,
        code: 'JOB_NOT_FOUND',
      });
    });

    it('claims a pending job: RUNNING under the run, which shows as begun until its first record', async () => {
      const job = await insertJob();
      const claimed = await store.runs.claimRun({ job_id: job.job_id, run_id: 'run_1', started_at: at(10) }, at(11));
      expect(claimed).toEqual({ ok: true, job: { ...job }, reused: [], started_at: at(10) });
      expect(await jobRow(job.job_id)).toEqual({
        status: 'RUNNING',
        run_id: 'run_1',
        started_at: at(10),
        completed_at: null,
      });
      const stored = await store.jobs.getStored(job.job_id);
      expect(stored?.job.run_id).toBe('run_1');
      expect(stored?.updated_at).toBe(at(11));
      expect(stored?.runs).toEqual([{ run_id: 'run_1', status: 'RUNNING', started_at: at(10) }]);
      expect(stored?.run).toMatchObject({
        run_id: 'run_1',
        status: 'InProgress',
        started_at: at(10),
        current_step_index: 0,
        total_steps: 3,
        live_output: 'Starting',
      });
      expect(stored?.run?.steps.map((s) => s.status)).toEqual(['NotStarted', 'NotStarted', 'NotStarted']);
    });

    it('lets exactly one of two stores racing to claim a job win', async () => {
      const other = await openStore(target.config);
      try {
        for (let round = 0; round < 5; round++) {
          const job = await insertJob();
          const results = await Promise.all([
            store.runs.claimRun({ job_id: job.job_id, run_id: `run_${round}_a`, started_at: at(10) }, now()),
            other.runs.claimRun({ job_id: job.job_id, run_id: `run_${round}_b`, started_at: at(11) }, now()),
          ]);
          const winners = results.filter((r) => r.ok);
          expect(winners, `round ${round}`).toHaveLength(1);
          expect(results.find((r) => !r.ok)).toMatchObject({ ok: false, code: 'JOB_NOT_STARTABLE' });
          const winner = results[0].ok ? `run_${round}_a` : `run_${round}_b`;
          const stored = await store.jobs.getStored(job.job_id);
          expect(stored?.job.run_id).toBe(winner);
          expect(stored?.runs.map((r) => r.run_id)).toEqual([winner]);
        }
      } finally {
        await other.close();
      }
    });

    it('answers a repeated claim of the same run as the first, before and after the run records', async () => {
      const job = await insertJob();
      await claim(job, 'run_1', at(10));
      // A retried activity: same run, a later clock. It is the same claim, not a new start.
      expect(await store.runs.claimRun({ job_id: job.job_id, run_id: 'run_1', started_at: at(20) }, now())).toEqual({
        ok: true,
        job: { ...job, run_id: 'run_1', updated_at: expect.any(String) },
        reused: [],
        started_at: at(10),
      });
      expect(
        await store.runs.recordRun(
          {
            header: header(job, 'run_1', at(10), { live_output: 'Paused before step 1 of 3', paused: true }),
            steps: [],
          },
          now(),
        ),
      ).toBe(true);
      expect(
        await store.runs.claimRun({ job_id: job.job_id, run_id: 'run_1', started_at: at(30) }, now()),
      ).toMatchObject({ ok: true, started_at: at(10) });
      expect((await store.jobs.getStored(job.job_id))?.runs).toEqual([
        { run_id: 'run_1', status: 'RUNNING', started_at: at(10) },
      ]);
      expect(await jobRow(job.job_id)).toMatchObject({ status: 'RUNNING', started_at: at(10) });
    });

    it('refuses a start of a job another run holds, and the claim of a run that a reset moved the job away from', async () => {
      const job = await insertJob();
      await claim(job, 'run_1', at(10));
      expect(await store.runs.claimRun({ job_id: job.job_id, run_id: 'run_2', started_at: at(20) }, now())).toEqual({
        ok: false,
        code: 'JOB_NOT_STARTABLE',
        status: 'RUNNING',
      });
      expect((await store.jobs.reset(job.job_id, 'run_1', now())).ok).toBe(true);
      // run_1's claim arriving again (a retried activity) must not take the reset job back.
      expect(await store.runs.claimRun({ job_id: job.job_id, run_id: 'run_1', started_at: at(10) }, now())).toEqual({
        ok: false,
        code: 'JOB_NOT_STARTABLE',
        status: 'PENDING',
      });
      expect(await jobRow(job.job_id)).toEqual({
        status: 'PENDING',
        run_id: null,
        started_at: null,
        completed_at: null,
      });
    });
  });

  describe('claimPrepared', () => {
    const claimOf = (job: JobRecord, runId: string, revision: number) => ({
      job_id: job.job_id,
      run_id: runId,
      started_at: at(10),
      revision,
    });

    it('claims a pending job still at the revision its start was prepared from, once per run', async () => {
      const job = await insertJob();
      expect((await store.jobs.getStored(job.job_id))?.revision).toBe(0);
      expect(await store.runs.claimPrepared(claimOf(job, 'run_1', 0), at(11))).toEqual({ ok: true });
      expect(await jobRow(job.job_id)).toEqual({
        status: 'RUNNING',
        run_id: 'run_1',
        started_at: at(10),
        completed_at: null,
      });
      // A retried activity claims again: the same answer, nothing changed.
      expect(await store.runs.claimPrepared(claimOf(job, 'run_1', 0), at(12))).toEqual({ ok: true });
      const stored = await store.jobs.getStored(job.job_id);
      expect(stored?.runs).toEqual([{ run_id: 'run_1', status: 'RUNNING', started_at: at(10) }]);
      expect(stored?.run).toMatchObject({ run_id: 'run_1', status: 'InProgress', started_at: at(10) });
      expect(await store.runs.claimPrepared(claimOf(job, 'run_2', 0), at(13))).toEqual({
        ok: false,
        code: 'JOB_NOT_STARTABLE',
        message: `Job '${job.job_id}' is RUNNING, not PENDING with valid inputs: this run does nothing`,
      });
    });

    it('refuses a job whose inputs changed since, one that does not exist, and one a reset took from the run', async () => {
      const job = await insertJob();
      const set = await store.jobs.setInputs(job.job_id, { text: 'changed' }, {}, at(5));
      expect(set).toMatchObject({ ok: true, revision: 1 });
      expect(await store.runs.claimPrepared(claimOf(job, 'run_1', 0), at(11))).toEqual({
        ok: false,
        code: 'JOB_CHANGED',
        message: `Job '${job.job_id}' changed after this run was started (its inputs were set again): this run does nothing`,
      });
      expect(await store.runs.claimPrepared({ ...claimOf(job, 'run_1', 1), job_id: 'job_unknown' }, at(11))).toEqual({
        ok: false,
        code: 'JOB_NOT_FOUND',
        message: "Job 'job_unknown' does not exist",
      });
      expect(await jobRow(job.job_id)).toEqual({
        status: 'PENDING',
        run_id: null,
        started_at: null,
        completed_at: null,
      });

      expect(await store.runs.claimPrepared(claimOf(job, 'run_1', 1), at(11))).toEqual({ ok: true });
      expect((await store.jobs.reset(job.job_id, 'run_1', at(12))).ok).toBe(true);
      expect((await store.runs.claimPrepared(claimOf(job, 'run_1', 1), at(13))).ok).toBe(false);
      expect(await jobRow(job.job_id)).toEqual({
        status: 'PENDING',
        run_id: null,
        started_at: null,
        completed_at: null,
      });
    });
  });

  describe('confirmPreparedClaim', () => {
    const claimOf = (job: JobRecord, runId: string, revision: number) => ({
      job_id: job.job_id,
      run_id: runId,
      started_at: at(10),
      revision,
    });

    it("answers from one read once the start's claim is written, and claims, or completes a claim, otherwise", async () => {
      // Claimed by the start first: confirmed, nothing written (updated_at stays the claim's).
      const first = await insertJob();
      expect(await store.runs.claimPrepared(claimOf(first, 'run_1', 0), at(11))).toEqual({ ok: true });
      expect(await store.runs.confirmPreparedClaim(claimOf(first, 'run_1', 0), at(12))).toEqual({ ok: true });
      expect((await store.jobs.getStored(first.job_id))?.updated_at).toBe(at(11));
      expect(await store.runs.confirmPreparedClaim(claimOf(first, 'run_2', 0), at(13))).toMatchObject({
        ok: false,
        code: 'JOB_NOT_STARTABLE',
      });

      // The start died before its claim: the run claims.
      const second = await insertJob();
      expect(await store.runs.confirmPreparedClaim(claimOf(second, 'run_3', 0), at(14))).toEqual({ ok: true });
      expect(await jobRow(second.job_id)).toEqual({
        status: 'RUNNING',
        run_id: 'run_3',
        started_at: at(10),
        completed_at: null,
      });

      // The start died between the claim and the run's row: the run writes the row.
      await store.db.deleteFrom('runs').where('run_id', '=', 'run_3').execute();
      expect(await store.runs.confirmPreparedClaim(claimOf(second, 'run_3', 0), at(15))).toEqual({ ok: true });
      expect((await store.jobs.getStored(second.job_id))?.runs).toEqual([
        { run_id: 'run_3', status: 'RUNNING', started_at: at(10) },
      ]);

      // A reset took the job from the run: refused.
      expect((await store.jobs.reset(second.job_id, 'run_3', at(16))).ok).toBe(true);
      expect((await store.runs.confirmPreparedClaim(claimOf(second, 'run_3', 0), at(17))).ok).toBe(false);
    });
  });

  describe('Idempotency-Key of a job', () => {
    it('is written with the job, finds it again, and lets no second job take the key', async () => {
      const job = pendingJob();
      expect(await store.jobs.insertIfPublished(job, { id: 'key-1', request_hash: 'hash-1' })).toEqual({ ok: true });
      const found = await store.jobs.findByIdempotency('key-1');
      expect(found?.stored.job.job_id).toBe(job.job_id);
      expect(found?.request_hash).toBe('hash-1');
      expect(await store.jobs.insertIfPublished(pendingJob(), { id: 'key-1', request_hash: 'hash-2' })).toEqual({
        ok: false,
        code: 'IDEMPOTENCY_KEY_TAKEN',
      });
      expect(await store.jobs.findByIdempotency('key-2')).toBeUndefined();
      // Jobs without a key never collide.
      expect(await store.jobs.insertIfPublished(pendingJob())).toEqual({ ok: true });
      expect(await store.jobs.insertIfPublished(pendingJob())).toEqual({ ok: true });
      expect(await store.jobs.list({ workflow_id: 'wf', limit: 10 })).toHaveLength(3);
    });
  });

  describe('endRunOutside', () => {
    it("ends a run still in progress, once, fenced by the run's ID", async () => {
      const job = await insertJob();
      expect(
        (
          await store.runs.claimPrepared(
            { job_id: job.job_id, run_id: 'run_1', started_at: at(10), revision: 0 },
            at(10),
          )
        ).ok,
      ).toBe(true);
      await store.runs.recordAttemptStarted(
        { run_id: 'run_1', job_id: job.job_id, step_index: 0, step_id: 'extract', type: 'tool' },
        1,
        3,
        at(11),
      );
      const error = { code: 'RUN_TERMINATED', message: 'The run was terminated in Temporal: gone' };
      const failedStep = step(0, {
        status: 'Failed',
        attempt: 1,
        max_attempts: 3,
        started_at: at(11),
        completed_at: at(20),
        failed_at: at(20),
        error,
      });
      const ended = {
        header: header(job, 'run_1', at(10), {
          status: 'Failed',
          error,
          failed_at: at(20),
          completed_at: at(20),
          live_output: error.message,
          output_data: {},
        }),
        steps: [failedStep],
      };
      // Another run's ending touches nothing.
      expect(
        await store.jobs.endRunOutside({ ...ended, header: { ...ended.header, run_id: 'run_0' } }, at(20)),
      ).toEqual({ ok: false, code: 'RUN_NOT_CURRENT' });
      expect(await store.jobs.endRunOutside(ended, at(20))).toEqual({ ok: true });
      const stored = await store.jobs.getStored(job.job_id);
      expect(stored?.run).toMatchObject({ status: 'Failed', error, completed_at: at(20) });
      expect(stored?.run?.steps[0]).toEqual(failedStep);
      expect(stored?.runs).toEqual([{ run_id: 'run_1', status: 'FAILED', started_at: at(10), completed_at: at(20) }]);
      expect(await jobRow(job.job_id)).toEqual({
        status: 'FAILED',
        run_id: 'run_1',
        started_at: at(10),
        completed_at: at(20),
      });
      // Ended already: a second ending (another process noticing too) writes nothing.
      expect(
        await store.jobs.endRunOutside({ ...ended, header: { ...ended.header, completed_at: at(30) } }, at(30)),
      ).toEqual({ ok: false, code: 'RUN_ENDED' });
      expect((await store.jobs.getStored(job.job_id))?.run?.completed_at).toBe(at(20));
      expect(
        await store.jobs.endRunOutside({ ...ended, header: { ...ended.header, job_id: 'job_none' } }, at(30)),
      ).toEqual({ ok: false, code: 'JOB_NOT_FOUND' });
    });
  });

  describe('recordStepCompleted', () => {
    it("records a completed step as given, and with the run's ending the job row and the run's status in the same write", async () => {
      const job = await insertJob();
      expect(
        (
          await store.runs.claimPrepared(
            { job_id: job.job_id, run_id: 'run_1', started_at: at(10), revision: 0 },
            at(10),
          )
        ).ok,
      ).toBe(true);
      const done = (index: number, second: number) =>
        step(index, {
          status: 'Completed',
          attempt: 1,
          max_attempts: 3,
          started_at: at(second),
          completed_at: at(second + 1),
          outputs: { analysis_results: `out ${index}` },
        });
      await store.runs.recordStepCompleted({ run_id: 'run_1', job_id: job.job_id }, done(0, 11), undefined, at(12));
      await store.runs.recordStepCompleted({ run_id: 'run_1', job_id: job.job_id }, done(1, 13), undefined, at(14));
      let stored = await store.jobs.getStored(job.job_id);
      expect(stored?.run?.steps).toEqual([done(0, 11), done(1, 13), step(2, {})]);
      expect(stored?.run).toMatchObject({ status: 'InProgress', current_step_index: 1, last_activity_at: at(14) });

      const final = header(job, 'run_1', at(10), {
        status: 'Completed',
        current_step_index: 2,
        completed_at: at(16),
        live_output: 'Completed 3 of 3 steps',
        output_data: { result: 'R' },
      });
      await store.runs.recordStepCompleted({ run_id: 'run_1', job_id: job.job_id }, done(2, 15), final, at(16));
      stored = await store.jobs.getStored(job.job_id);
      expect(stored?.run).toEqual({ ...final, steps: [done(0, 11), done(1, 13), done(2, 15)] });
      expect(stored?.runs).toEqual([
        { run_id: 'run_1', status: 'COMPLETED', started_at: at(10), completed_at: at(16) },
      ]);
      expect(await jobRow(job.job_id)).toEqual({
        status: 'COMPLETED',
        run_id: 'run_1',
        started_at: at(10),
        completed_at: at(16),
      });

      // A late, earlier attempt of an ended step changes nothing.
      await store.runs.recordStepCompleted(
        { run_id: 'run_1', job_id: job.job_id },
        { ...done(2, 15), attempt: 0, outputs: { analysis_results: 'late' } },
        undefined,
        at(17),
      );
      expect((await store.jobs.stepRuns('run_1'))[2]).toEqual(done(2, 15));
    });

    it('writes the ending of a run a reset moved the job away from on the run alone', async () => {
      const job = await insertJob();
      expect(
        (
          await store.runs.claimPrepared(
            { job_id: job.job_id, run_id: 'run_1', started_at: at(10), revision: 0 },
            at(10),
          )
        ).ok,
      ).toBe(true);
      expect((await store.jobs.reset(job.job_id, 'run_1', at(11))).ok).toBe(true);
      const final = header(job, 'run_1', at(10), { status: 'Completed', completed_at: at(13), output_data: {} });
      await store.runs.recordStepCompleted(
        { run_id: 'run_1', job_id: job.job_id },
        step(0, { status: 'Completed', attempt: 1, completed_at: at(13) }),
        final,
        at(13),
      );
      const stored = await store.jobs.getStored(job.job_id);
      expect(stored?.run).toBeUndefined();
      expect(stored?.runs).toEqual([
        { run_id: 'run_1', status: 'COMPLETED', started_at: at(10), completed_at: at(13) },
      ]);
    });
  });

  describe('recordRun', () => {
    it("writes the run's header and steps, the job row's status and times, and the run's status", async () => {
      const job = await insertJob();
      await claim(job, 'run_1', at(10));
      const running = header(job, 'run_1', at(10), {
        current_step_index: 1,
        live_output: 'Running step 2 of 3: Analyze',
        last_activity_at: at(13),
        variables: { text: 'hello', first: 'F' },
      });
      expect(
        await store.runs.recordRun(
          {
            header: running,
            steps: [
              step(0, {
                status: 'Completed',
                attempt: 1,
                started_at: at(11),
                completed_at: at(12),
                outputs: { analysis_results: 'F' },
              }),
              step(1, { status: 'InProgress', attempt: 1, max_attempts: 3, started_at: at(13), progress: 'half way' }),
            ],
          },
          at(14),
        ),
      ).toBe(true);
      let stored = await store.jobs.getStored(job.job_id);
      expect(stored?.updated_at).toBe(at(14));
      expect(stored?.run).toEqual({
        ...running,
        // The run's last activity is its latest write, header or step rows (here the record at 14).
        last_activity_at: at(14),
        steps: [
          step(0, {
            status: 'Completed',
            attempt: 1,
            started_at: at(11),
            completed_at: at(12),
            outputs: { analysis_results: 'F' },
          }),
          step(1, { status: 'InProgress', attempt: 1, max_attempts: 3, started_at: at(13), progress: 'half way' }),
          step(2, {}),
        ],
      });
      expect(await jobRow(job.job_id)).toEqual({
        status: 'RUNNING',
        run_id: 'run_1',
        started_at: at(10),
        completed_at: null,
      });

      const completed = header(job, 'run_1', at(10), {
        status: 'Completed',
        current_step_index: 2,
        completed_at: at(20),
        live_output: 'Completed 3 of 3 steps',
        variables: { text: 'hello', first: 'F', second: 'S', result: 'R' },
        output_data: { result: 'R' },
      });
      const finalSteps = [
        step(0, {
          status: 'Completed',
          attempt: 1,
          started_at: at(11),
          completed_at: at(12),
          outputs: { analysis_results: 'F' },
        }),
        step(1, {
          status: 'Completed',
          attempt: 2,
          max_attempts: 3,
          started_at: at(13),
          completed_at: at(16),
          outputs: { analysis_results: 'S' },
        }),
        step(2, {
          status: 'Completed',
          attempt: 1,
          started_at: at(17),
          completed_at: at(19),
          outputs: { analysis_results: 'R' },
        }),
      ];
      expect(await store.runs.recordRun({ header: completed, steps: finalSteps }, at(21))).toBe(true);
      stored = await store.jobs.getStored(job.job_id);
      // The progress message of the running attempt is gone with the row's rewrite.
      expect(stored?.run).toEqual({ ...completed, steps: finalSteps });
      expect(stored?.runs).toEqual([
        { run_id: 'run_1', status: 'COMPLETED', started_at: at(10), completed_at: at(20) },
      ]);
      expect(await jobRow(job.job_id)).toEqual({
        status: 'COMPLETED',
        run_id: 'run_1',
        started_at: at(10),
        completed_at: at(20),
      });
      expect(await store.jobs.list({ limit: 10, status: 'COMPLETED' })).toHaveLength(1);
    });

    it('writes nothing on the job for a run a reset moved the job away from, but records its own outcome', async () => {
      const job = await insertJob();
      await claim(job, 'run_1', at(10));
      expect(
        await store.runs.recordRun(
          {
            header: header(job, 'run_1', at(10)),
            steps: [step(0, { status: 'InProgress', attempt: 1, started_at: at(11) })],
          },
          now(),
        ),
      ).toBe(true);
      expect((await store.jobs.reset(job.job_id, 'run_1', now())).ok).toBe(true);

      // Before the next start: the old run's final record leaves the job PENDING with no run.
      const cancelled = header(job, 'run_1', at(10), {
        status: 'Cancelled',
        completed_at: at(15),
        error: { code: 'CANCELLED', message: 'Job cancelled by user' },
      });
      const cancelledStep = step(0, {
        status: 'Failed',
        attempt: 1,
        started_at: at(11),
        completed_at: at(15),
        failed_at: at(15),
        error: { code: 'CANCELLED', message: 'Job cancelled by user' },
      });
      expect(await store.runs.recordRun({ header: cancelled, steps: [cancelledStep] }, now())).toBe(false);
      expect(await jobRow(job.job_id)).toEqual({
        status: 'PENDING',
        run_id: null,
        started_at: null,
        completed_at: null,
      });
      expect((await store.jobs.getStored(job.job_id))?.run).toBeUndefined();

      // After the next start: the old run's late writes do not touch the new run's state.
      await claim(job, 'run_2', at(20));
      const failed = header(job, 'run_1', at(10), {
        status: 'Failed',
        completed_at: at(25),
        error: { code: 'TOOL_FAILED', message: 'late' },
      });
      const failedStep = step(0, {
        status: 'Failed',
        attempt: 2,
        started_at: at(11),
        completed_at: at(25),
        failed_at: at(25),
        error: { code: 'TOOL_FAILED', message: 'late' },
      });
      expect(await store.runs.recordRun({ header: failed, steps: [failedStep] }, at(26))).toBe(false);
      expect(await jobRow(job.job_id)).toEqual({
        status: 'RUNNING',
        run_id: 'run_2',
        started_at: at(20),
        completed_at: null,
      });
      const stored = await store.jobs.getStored(job.job_id);
      expect(stored?.run).toMatchObject({ run_id: 'run_2', status: 'InProgress', started_at: at(20) });
      expect(stored?.run?.error).toBeUndefined();
      expect(stored?.run?.steps.map((s) => s.status)).toEqual(['NotStarted', 'NotStarted', 'NotStarted']);
      expect(stored?.runs).toEqual([
        { run_id: 'run_1', status: 'FAILED', started_at: at(10), completed_at: at(25) },
        { run_id: 'run_2', status: 'RUNNING', started_at: at(20) },
      ]);
      expect(await store.jobs.stepRuns('run_1')).toEqual([failedStep]);
      expect(await store.jobs.stepRuns('run_2')).toEqual([]);
    });
  });

  it('recordRun writes nothing at all for a run that never claimed its job', async () => {
    const job = await insertJob();
    const cancelled = header(job, 'run_x', at(10), {
      status: 'Cancelled',
      completed_at: at(11),
      error: { code: 'CANCELLED', message: 'Job cancelled by user' },
    });
    expect(
      await store.runs.recordRun(
        { header: cancelled, steps: [step(0, { status: 'Failed', attempt: 0, completed_at: at(11) })] },
        at(11),
      ),
    ).toBe(false);
    expect(await store.jobs.stepRuns('run_x')).toEqual([]);
    expect(await store.jobs.getStored(job.job_id)).toMatchObject({ run: undefined, runs: [] });
  });

  describe('attempts', () => {
    const address = (job: JobRecord, runId: string, index: number) => ({
      run_id: runId,
      job_id: job.job_id,
      step_index: index,
      step_id: STEPS[index]!.step_id,
      type: 'tool',
    });

    it('moves a running step through started, progress, a failed attempt, a retry and its outputs', async () => {
      const job = await insertJob();
      await claim(job, 'run_1', at(10));
      const at0 = address(job, 'run_1', 0);
      const stepOf = async () => (await store.jobs.stepRuns('run_1'))[0];

      await store.runs.recordAttemptStarted(at0, 1, 3, at(11));
      expect(await stepOf()).toEqual(
        step(0, { status: 'InProgress', attempt: 1, max_attempts: 3, started_at: at(11) }),
      );
      // Attempts write their step rows only; the run's last activity follows them.
      expect((await store.jobs.getStored(job.job_id))?.run?.last_activity_at).toBe(at(11));

      await store.runs.recordAttemptProgress(at0, 1, { message: 'page 1 of 4', fraction: 0.25 }, at(12));
      expect(await stepOf()).toMatchObject({ progress: 'page 1 of 4', progress_fraction: 0.25 });
      // Progress of an attempt that is not the step's current one is stale: ignored.
      await store.runs.recordAttemptProgress(at0, 2, { message: 'from another attempt', fraction: 0.5 }, at(12));
      expect(await stepOf()).toMatchObject({ attempt: 1, progress: 'page 1 of 4', progress_fraction: 0.25 });
      // A report without a fraction (or with one out of range) leaves none: the fraction is the last report's.
      await store.runs.recordAttemptProgress(at0, 1, { message: 'counting', fraction: 1.5 }, at(12));
      expect((await stepOf())?.progress_fraction).toBeUndefined();
      await store.runs.recordAttemptProgress(at0, 1, { message: 'page 1 of 4', fraction: 0.25 }, at(12));

      await store.runs.recordAttemptEnded(at0, 1, at(11), { error: { code: 'FLAKY', message: 'try again' } }, at(13));
      expect(await stepOf()).toEqual(
        step(0, {
          status: 'InProgress',
          attempt: 1,
          max_attempts: 3,
          started_at: at(11),
          error: { code: 'FLAKY', message: 'try again' },
        }),
      );

      await store.runs.recordAttemptStarted(at0, 2, 3, at(14));
      // The step started with its first attempt; the retry keeps that start.
      expect(await stepOf()).toMatchObject({ status: 'InProgress', attempt: 2, started_at: at(11) });
      expect((await stepOf())?.progress).toBeUndefined();
      await store.runs.recordAttemptProgress(at0, 2, { message: 'page 3 of 4', fraction: 0.75 }, at(14));
      expect(await stepOf()).toMatchObject({ progress: 'page 3 of 4', progress_fraction: 0.75 });

      await store.runs.recordAttemptEnded(at0, 2, at(11), { outputs: { analysis_results: 'done' } }, at(15));
      expect(await stepOf()).toEqual(
        step(0, {
          status: 'Completed',
          attempt: 2,
          max_attempts: 3,
          started_at: at(11),
          completed_at: at(15),
          outputs: { analysis_results: 'done' },
        }),
      );
      expect((await store.jobs.getStored(job.job_id))?.run?.last_activity_at).toBe(at(15));
    });

    it('writes the whole row of an attempt that ended before its start was recorded', async () => {
      const job = await insertJob();
      await claim(job, 'run_1', at(10));
      await store.runs.recordAttemptEnded(
        address(job, 'run_1', 0),
        1,
        at(11),
        { outputs: { analysis_results: 'quick' } },
        at(12),
      );
      expect(await store.jobs.stepRuns('run_1')).toEqual([
        step(0, {
          status: 'Completed',
          attempt: 1,
          started_at: at(11),
          completed_at: at(12),
          outputs: { analysis_results: 'quick' },
        }),
      ]);
      // Its retry (the result never reached Temporal) is answered that completion: a run started with only its job_id records no ending with it.
      expect(await store.runs.recordAttemptStarted(address(job, 'run_1', 0), 2, 3, at(13))).toEqual({
        outputs: { analysis_results: 'quick' },
        attempt: 1,
        completed_at: at(12),
        run_ended: false,
      });
      // A failed first attempt likewise, then its retry's start moves the same row.
      await store.runs.recordAttemptEnded(
        address(job, 'run_1', 1),
        1,
        at(13),
        { error: { code: 'FLAKY', message: 'again' } },
        at(14),
      );
      await store.runs.recordAttemptStarted(address(job, 'run_1', 1), 2, 3, at(15));
      expect((await store.jobs.stepRuns('run_1'))[1]).toMatchObject({
        status: 'InProgress',
        attempt: 2,
        started_at: at(13),
        error: { code: 'FLAKY', message: 'again' },
      });
    });

    it.each(['Failed', 'Completed'] as const)(
      'changes nothing in a step the final record marked %s',
      async (status) => {
        const job = await insertJob();
        await claim(job, 'run_1', at(10));
        const at0 = address(job, 'run_1', 0);
        await store.runs.recordAttemptStarted(at0, 1, 3, at(11));
        const ended =
          status === 'Failed'
            ? step(0, {
                status,
                attempt: 1,
                max_attempts: 3,
                started_at: at(11),
                completed_at: at(13),
                failed_at: at(13),
                error: { code: 'CANCELLED', message: 'Job cancelled by user' },
              })
            : step(0, {
                status,
                attempt: 1,
                max_attempts: 3,
                started_at: at(11),
                completed_at: at(13),
                outputs: { analysis_results: 'final' },
              });
        const runStatus = status === 'Failed' ? 'Cancelled' : 'Completed';
        expect(
          await store.runs.recordRun(
            { header: header(job, 'run_1', at(10), { status: runStatus }), steps: [ended] },
            at(13),
          ),
        ).toBe(true);

        await store.runs.recordAttemptProgress(at0, 1, { message: 'late progress' }, at(14));
        await store.runs.recordAttemptEnded(at0, 1, at(11), { outputs: { analysis_results: 'late' } }, at(15));
        await store.runs.recordAttemptEnded(at0, 1, at(11), { error: { code: 'LATE', message: 'late' } }, at(15));
        await store.runs.recordAttemptStarted(at0, 1, 3, at(16));
        await store.runs.recordAttemptProgress(at0, 1, { message: 'late progress' }, at(17));
        // A later attempt's start moves neither: a completed step's retry is answered its completion instead.
        const retried = await store.runs.recordAttemptStarted(at0, 2, 3, at(16));
        if (status === 'Completed')
          expect(retried).toMatchObject({ outputs: { analysis_results: 'final' }, attempt: 1, completed_at: at(13) });
        else expect(retried).toBeUndefined();
        await store.runs.recordAttemptEnded(at0, 2, at(16), { error: { code: 'LATE', message: 'late' } }, at(17));
        expect(await store.jobs.stepRuns('run_1')).toEqual([ended]);
      },
    );

    it("answers a retry the completion an earlier attempt recorded, writing nothing, and keeps it and the run's ending", async () => {
      const job = await insertJob();
      expect(
        (
          await store.runs.claimPrepared(
            { job_id: job.job_id, run_id: 'run_1', started_at: at(10), revision: 0 },
            at(10),
          )
        ).ok,
      ).toBe(true);
      const run = { run_id: 'run_1', job_id: job.job_id };
      const done = (index: number, attempt: number, second: number) =>
        step(index, {
          status: 'Completed',
          attempt,
          max_attempts: 3,
          started_at: at(11),
          completed_at: at(second),
          outputs: { analysis_results: `out ${index} of ${attempt}` },
        });
      await store.runs.recordStepCompleted(run, done(0, 1, 12), undefined, at(12));
      await store.runs.recordStepCompleted(run, done(1, 1, 13), undefined, at(13));
      // The last step's first attempt records its completion with the run's ending; Temporal never hears of it (its worker died, the server was down)...
      const final = (second: number) =>
        header(job, 'run_1', at(10), {
          status: 'Completed',
          current_step_index: 2,
          completed_at: at(second),
          live_output: 'Completed 3 of 3 steps',
          output_data: { result: 'R' },
        });
      await store.runs.recordStepCompleted(run, done(2, 1, 14), final(14), at(14));
      const completed = await store.jobs.getStored(job.job_id);
      expect(completed?.run).toEqual({ ...final(14), steps: [done(0, 1, 12), done(1, 1, 13), done(2, 1, 14)] });

      // ...and runs the step again: attempt 2 is answered attempt 1's completion, and that the run's ending is recorded.
      expect(await store.runs.recordAttemptStarted(address(job, 'run_1', 2), 2, 3, at(20))).toEqual({
        outputs: { analysis_results: 'out 2 of 1' },
        attempt: 1,
        completed_at: at(14),
        run_ended: true,
      });
      // A step that was not the last: its completion, the run still in progress.
      expect(await store.runs.recordAttemptStarted(address(job, 'run_1', 1), 3, 3, at(20))).toEqual({
        outputs: { analysis_results: 'out 1 of 1' },
        attempt: 1,
        completed_at: at(13),
        run_ended: false,
      });
      // Nothing was written; nor is anything by a later attempt's failure, or by the earlier attempt's late writes.
      await store.runs.recordAttemptEnded(
        address(job, 'run_1', 2),
        2,
        at(20),
        { error: { code: 'TOOL_FAILED', message: 'no luck' } },
        at(21),
      );
      await store.runs.recordAttemptEnded(
        address(job, 'run_1', 2),
        1,
        at(11),
        { outputs: { analysis_results: 'late' } },
        at(21),
      );
      await store.runs.recordStepCompleted(run, done(2, 1, 22), final(22), at(22));
      expect(await store.jobs.getStored(job.job_id)).toEqual(completed);
      expect(await jobRow(job.job_id)).toEqual({
        status: 'COMPLETED',
        run_id: 'run_1',
        started_at: at(10),
        completed_at: at(14),
      });
      // So the next retry still finds it.
      expect(await store.runs.recordAttemptStarted(address(job, 'run_1', 2), 3, 3, at(23))).toMatchObject({
        attempt: 1,
        run_ended: true,
      });

      // A later attempt's completion replaces it, with the run's ending (a retry that could not read the record ran the tool: Temporal has its outputs).
      await store.runs.recordStepCompleted(run, done(2, 3, 25), final(25), at(25));
      const stored = await store.jobs.getStored(job.job_id);
      expect(stored?.run).toEqual({ ...final(25), steps: [done(0, 1, 12), done(1, 1, 13), done(2, 3, 25)] });
      expect(stored?.runs).toEqual([
        { run_id: 'run_1', status: 'COMPLETED', started_at: at(10), completed_at: at(25) },
      ]);
    });

    it("ignores the late end of an attempt after the step's next attempt started", async () => {
      const job = await insertJob();
      await claim(job, 'run_1', at(10));
      const at0 = address(job, 'run_1', 0);
      await store.runs.recordAttemptStarted(at0, 1, 3, at(11));
      // Attempt 1 timed out (its worker stalled); attempt 2 runs; then attempt 1's stale result arrives.
      await store.runs.recordAttemptStarted(at0, 2, 3, at(12));
      await store.runs.recordAttemptEnded(at0, 1, at(11), { outputs: { analysis_results: 'stale' } }, at(13));
      await store.runs.recordAttemptEnded(at0, 1, at(11), { error: { code: 'TIMEOUT', message: 'stale' } }, at(13));
      expect(await store.jobs.stepRuns('run_1')).toEqual([
        step(0, { status: 'InProgress', attempt: 2, max_attempts: 3, started_at: at(11) }),
      ]);
    });

    it('shows the furthest started step as current while the step rows are ahead of the header', async () => {
      const job = await insertJob();
      await claim(job, 'run_1', at(10));
      // Before the run's first record, the first attempt already shows as the running step.
      await store.runs.recordAttemptStarted(address(job, 'run_1', 0), 1, undefined, at(11));
      expect((await store.jobs.getStored(job.job_id))?.run).toMatchObject({
        current_step_index: 0,
        live_output: 'Running step 1 of 3: Extract',
      });

      expect(
        await store.runs.recordRun(
          { header: header(job, 'run_1', at(10), { live_output: 'Running step 1 of 3: Extract' }), steps: [] },
          at(12),
        ),
      ).toBe(true);
      await store.runs.recordAttemptEnded(
        address(job, 'run_1', 0),
        1,
        at(11),
        { outputs: { analysis_results: 'F' } },
        at(13),
      );
      await store.runs.recordAttemptStarted(address(job, 'run_1', 1), 1, 3, at(14));
      await store.runs.recordAttemptProgress(address(job, 'run_1', 1), 1, { message: 'page 2 of 5' }, at(15));
      const run = (await store.jobs.getStored(job.job_id))?.run;
      expect(run).toMatchObject({
        status: 'InProgress',
        current_step_index: 1,
        live_output: 'Running step 2 of 3: Analyze',
      });
      expect(run?.steps.map((s) => [s.status, s.attempt, s.progress])).toEqual([
        ['Completed', 1, undefined],
        ['InProgress', 1, 'page 2 of 5'],
        ['NotStarted', 0, undefined],
      ]);

      // A paused header at that step keeps its own message.
      await store.runs.recordRun(
        {
          header: header(job, 'run_1', at(10), {
            current_step_index: 1,
            paused: true,
            live_output: 'Paused before step 2 of 3',
          }),
          steps: [],
        },
        at(16),
      );
      expect((await store.jobs.getStored(job.job_id))?.run).toMatchObject({
        current_step_index: 1,
        paused: true,
        live_output: 'Paused before step 2 of 3',
      });
    });
  });

  describe('reset', () => {
    it('returns the job to PENDING with its inputs, only for the run the caller saw, keeping the runs', async () => {
      const job = await insertJob();
      await claim(job, 'run_1', at(10));
      await failAtStep1(job, 'run_1', 10);

      expect(await store.jobs.reset(job.job_id, 'run_other', at(30))).toEqual({ ok: false, code: 'RUN_CHANGED' });
      expect(await jobRow(job.job_id)).toEqual({
        status: 'FAILED',
        run_id: 'run_1',
        started_at: at(10),
        completed_at: at(15),
      });
      expect(await store.jobs.reset('job_unknown', 'run_1', at(30))).toEqual({ ok: false, code: 'JOB_NOT_FOUND' });

      expect(await store.jobs.reset(job.job_id, 'run_1', at(31))).toEqual({
        ok: true,
        job: { ...job, updated_at: at(31) },
      });
      expect(await jobRow(job.job_id)).toEqual({
        status: 'PENDING',
        run_id: null,
        started_at: null,
        completed_at: null,
      });
      const stored = await store.jobs.getStored(job.job_id);
      expect(stored?.job.input_values).toEqual({ text: 'hello' });
      expect(stored?.run).toBeUndefined();
      expect(stored?.runs).toEqual([{ run_id: 'run_1', status: 'FAILED', started_at: at(10), completed_at: at(15) }]);
      expect(await store.jobs.stepRuns('run_1')).toHaveLength(3);
      // A reset that already happened does not happen twice.
      expect(await store.jobs.reset(job.job_id, 'run_1', at(32))).toEqual({ ok: false, code: 'RUN_CHANGED' });

      // Pending again: inputs may change, and a new start is a second run.
      expect((await store.jobs.setInputs(job.job_id, { text: 'again' }, {}, at(33))).ok).toBe(true);
      await claim(job, 'run_2', at(40));
      expect((await store.jobs.getStored(job.job_id))?.runs.map((r) => [r.run_id, r.status])).toEqual([
        ['run_1', 'FAILED'],
        ['run_2', 'RUNNING'],
      ]);
    });

    it('closes an in-progress run as cancelled, and leaves a finished one alone', async () => {
      const job = await insertJob();
      await claim(job, 'run_1', at(10));
      expect((await store.jobs.reset(job.job_id, 'run_1', at(11))).ok).toBe(true);
      await store.jobs.closeRun('run_1', 'Cancelled', at(12));
      await claim(job, 'run_2', at(20));
      await failAtStep1(job, 'run_2', 20);
      await store.jobs.closeRun('run_2', 'Cancelled', at(30));
      expect((await store.jobs.getStored(job.job_id))?.runs).toEqual([
        { run_id: 'run_1', status: 'FAILED', cancelled: true, started_at: at(10), completed_at: at(12) },
        { run_id: 'run_2', status: 'FAILED', started_at: at(20), completed_at: at(25) },
      ]);
    });
  });

  describe('retry', () => {
    it("copies the failed run's completed steps before the retried step into the new run", async () => {
      const job = await insertJob();
      await claim(job, 'run_1', at(10));
      await failAtStep1(job, 'run_1', 10);
      const firstStep = (await store.jobs.stepRuns('run_1'))[0]!;

      const retried = await store.runs.claimRun(
        { job_id: job.job_id, run_id: 'run_2', started_at: at(20), retry: { run_id: 'run_1', from_step_index: 1 } },
        now(),
      );
      const reused = { ...firstStep, reused_from_run: 'run_1' };
      expect(retried).toMatchObject({ ok: true, started_at: at(20), reused: [reused] });
      expect(await jobRow(job.job_id)).toEqual({
        status: 'RUNNING',
        run_id: 'run_2',
        started_at: at(20),
        completed_at: null,
      });
      let stored = await store.jobs.getStored(job.job_id);
      expect(stored?.run?.run_id).toBe('run_2');
      // The reused step is not the running one: the run is still at its start.
      expect(stored?.run).toMatchObject({ current_step_index: 0, live_output: 'Starting' });
      expect(stored?.run?.steps).toEqual([reused, step(1, {}), step(2, {})]);
      expect(stored?.runs).toEqual([
        { run_id: 'run_1', status: 'FAILED', started_at: at(10), completed_at: at(15) },
        { run_id: 'run_2', status: 'RUNNING', started_at: at(20), retry_of: { run_id: 'run_1', from_step_index: 1 } },
      ]);
      // The claim is idempotent for the retry too: the same reused steps.
      expect(
        await store.runs.claimRun(
          { job_id: job.job_id, run_id: 'run_2', started_at: at(21), retry: { run_id: 'run_1', from_step_index: 1 } },
          now(),
        ),
      ).toMatchObject({
        ok: true,
        started_at: at(20),
        reused: [reused],
      });

      // A retry of the retry, from the last step: only Completed steps are reused (step 1
      // failed again in run_2, which ran step 0 itself in this record).
      await failAtStep1(job, 'run_2', 20);
      const third = await store.runs.claimRun(
        { job_id: job.job_id, run_id: 'run_3', started_at: at(30), retry: { run_id: 'run_2', from_step_index: 2 } },
        now(),
      );
      expect(third.ok && third.reused.map((s) => [s.index, s.reused_from_run])).toEqual([[0, 'run_2']]);
      stored = await store.jobs.getStored(job.job_id);
      expect(stored?.run?.steps.map((s) => s.status)).toEqual(['Completed', 'NotStarted', 'NotStarted']);
      expect(await store.jobs.stepRuns('run_1')).toHaveLength(3);
    });

    it('keeps the run that first produced a reused step through a chain of retries', async () => {
      const job = await insertJob();
      await claim(job, 'run_1', at(10));
      await failAtStep1(job, 'run_1', 10);
      const second = await store.runs.claimRun(
        { job_id: job.job_id, run_id: 'run_2', started_at: at(20), retry: { run_id: 'run_1', from_step_index: 1 } },
        now(),
      );
      expect(second.ok).toBe(true);
      // run_2's final record writes every step, the reused one included, and fails at step 1 again.
      const reused = (await store.jobs.stepRuns('run_2'))[0]!;
      expect(
        await store.runs.recordRun(
          {
            header: header(job, 'run_2', at(20), {
              status: 'Failed',
              current_step_index: 1,
              completed_at: at(25),
              error: { code: 'TOOL_FAILED', message: 'again' },
            }),
            steps: [
              reused,
              step(1, {
                status: 'Failed',
                attempt: 1,
                started_at: at(21),
                completed_at: at(25),
                error: { code: 'TOOL_FAILED', message: 'again' },
              }),
              step(2, {}),
            ],
          },
          now(),
        ),
      ).toBe(true);
      const third = await store.runs.claimRun(
        { job_id: job.job_id, run_id: 'run_3', started_at: at(30), retry: { run_id: 'run_2', from_step_index: 1 } },
        now(),
      );
      expect(third.ok && third.reused).toEqual([{ ...reused, reused_from_run: 'run_1' }]);
    });

    it('reuses no completed step at or after the step the retry begins at', async () => {
      const job = await insertJob();
      await claim(job, 'run_1', at(10));
      const completed = (index: number) =>
        step(index, {
          status: 'Completed',
          attempt: 1,
          started_at: at(11 + index),
          completed_at: at(12 + index),
          outputs: { analysis_results: `R${index}` },
        });
      expect(
        await store.runs.recordRun(
          {
            header: header(job, 'run_1', at(10), {
              status: 'Failed',
              current_step_index: 2,
              completed_at: at(15),
              error: { code: 'TOOL_FAILED', message: 'last' },
            }),
            steps: [
              completed(0),
              completed(1),
              step(2, {
                status: 'Failed',
                attempt: 1,
                started_at: at(13),
                completed_at: at(15),
                error: { code: 'TOOL_FAILED', message: 'last' },
              }),
            ],
          },
          now(),
        ),
      ).toBe(true);
      // from_step 1: step 1 completed in run_1 but is run again, so only step 0 is reused.
      const retried = await store.runs.claimRun(
        { job_id: job.job_id, run_id: 'run_2', started_at: at(20), retry: { run_id: 'run_1', from_step_index: 1 } },
        now(),
      );
      expect(retried.ok && retried.reused).toEqual([{ ...completed(0), reused_from_run: 'run_1' }]);
      expect((await store.jobs.getStored(job.job_id))?.run?.steps.map((s) => [s.status, s.reused_from_run])).toEqual([
        ['Completed', 'run_1'],
        ['NotStarted', undefined],
        ['NotStarted', undefined],
      ]);
      // Its tool runs in the new run, a retry of it too: run_1's completion of the step is not run_2's.
      expect(
        await store.runs.recordAttemptStarted(
          { run_id: 'run_2', job_id: job.job_id, step_index: 1, step_id: 'analyze', type: 'tool' },
          2,
          3,
          at(22),
        ),
      ).toBeUndefined();
      expect((await store.jobs.stepRuns('run_2'))[1]).toMatchObject({ status: 'InProgress', attempt: 2 });
    });

    it("refuses a retry naming another run than the job's current one, or of a job that has not failed", async () => {
      const job = await insertJob();
      const retryOf = (runId: string, retried: string) =>
        store.runs.claimRun(
          { job_id: job.job_id, run_id: runId, started_at: at(50), retry: { run_id: retried, from_step_index: 0 } },
          now(),
        );
      // Pending, never run.
      expect(await retryOf('run_x', 'run_0')).toEqual({ ok: false, code: 'JOB_NOT_STARTABLE', status: 'PENDING' });
      await claim(job, 'run_1', at(10));
      // Running.
      expect(await retryOf('run_x', 'run_1')).toEqual({ ok: false, code: 'JOB_NOT_STARTABLE', status: 'RUNNING' });
      await failAtStep1(job, 'run_1', 10);
      expect((await store.jobs.reset(job.job_id, 'run_1', now())).ok).toBe(true);
      await claim(job, 'run_2', at(20));
      await failAtStep1(job, 'run_2', 20);
      // Failed, but in run_2: a retry of run_1 is stale.
      expect(await retryOf('run_x', 'run_1')).toEqual({ ok: false, code: 'JOB_NOT_STARTABLE', status: 'FAILED' });
      expect(await jobRow(job.job_id)).toMatchObject({ status: 'FAILED', run_id: 'run_2' });
      expect(await store.jobs.stepRuns('run_x')).toEqual([]);
      expect((await store.jobs.getStored(job.job_id))?.runs.map((r) => r.run_id)).toEqual(['run_1', 'run_2']);
    });
  });

  describe('files', () => {
    it('keeps file bytes and metadata, and survives reopening', async () => {
      const bytes = new TextEncoder().encode('%PDF-1.4 pretend');
      const file = await store.files.save({ name: 'a.pdf', mime_type: 'application/pdf', bytes }, now());
      await store.close();
      store = await openStore(target.config);
      const read = await store.files.read(file.file_id);
      expect(read?.name).toBe('a.pdf');
      expect(new TextDecoder().decode(read?.bytes)).toBe('%PDF-1.4 pretend');
      expect(read?.size).toBe(bytes.byteLength);
      expect(await store.files.read('../ordo.db')).toBeUndefined();
    });

    it('keeps the same content once, shared by the files that have it, and deletes rows only', async () => {
      const bytes = new TextEncoder().encode('same bytes');
      const a = await store.files.save({ name: 'a.txt', mime_type: 'text/plain', bytes }, now());
      const b = await store.files.save({ name: 'b.txt', mime_type: 'text/plain', bytes }, now());
      expect(a.file_id).not.toBe(b.file_id);
      expect(a.sha256).toBe(b.sha256);
      expect(new TextDecoder().decode(await store.blobs.get(a.sha256))).toBe('same bytes');

      expect(await store.files.delete(a.file_id)).toBe(true);
      expect(await store.files.delete(a.file_id)).toBe(false);
      expect(await store.files.get(a.file_id)).toBeUndefined();
      expect(new TextDecoder().decode((await store.files.read(b.file_id))?.bytes)).toBe('same bytes');
    });

    it('reports a file whose content is missing from the blob store instead of inventing bytes', async () => {
      const file = await store.files.save(
        { name: 'a.txt', mime_type: 'text/plain', bytes: new TextEncoder().encode('gone') },
        now(),
      );
      await rm(join(target.config.dataDir, 'blobs'), { recursive: true });
      await expect(store.files.read(file.file_id)).rejects.toThrow(
        `the content of file ${file.file_id} (sha256 ${file.sha256}) is missing`,
      );
    });

    it('reads a file saved before the blob store from the old files folder, and moves it in', async () => {
      const bytes = new TextEncoder().encode('legacy');
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      await store.db
        .insertInto('files')
        .values({
          file_id: 'file_legacy',
          name: 'old.txt',
          mime_type: 'text/plain',
          size: bytes.byteLength,
          sha256,
          created_at: now(),
        })
        .execute();
      await mkdir(join(target.config.dataDir, 'files'), { recursive: true });
      await writeFile(join(target.config.dataDir, 'files', 'file_legacy'), bytes);
      expect(new TextDecoder().decode((await store.files.read('file_legacy'))?.bytes)).toBe('legacy');
      expect(await store.blobs.has(sha256)).toBe(true);
    });
  });

  it('lets two processes open a new database at once: both migrate without error', async () => {
    const fresh = await testStoreConfig(dialect, 'race');
    try {
      const stores = await Promise.all([openStore(fresh.config), openStore(fresh.config), openStore(fresh.config)]);
      try {
        for (const s of stores) await s.ping();
        const created = await stores[0].workflows.create(
          { workflow_id: 'w', name: 'w', status: 'DRAFT', input_variables: [], steps: STEPS },
          now(),
        );
        expect(created.ok).toBe(true);
        expect((await stores[2].workflows.get('w'))?.name).toBe('w');
        const applied = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(
          stores[1].db,
        );
        expect(applied.rows.map((r) => r.name)).toEqual(Object.keys(await migrationProvider.getMigrations()).sort());
      } finally {
        await Promise.all(stores.map((s) => s.close()));
      }
    } finally {
      await fresh.remove();
    }
  });
});

it('refuses a configuration that names no folder or a database URL of another kind', async () => {
  await expect(openStore({ dataDir: '' })).rejects.toThrow('dataDir: must name a folder');
  await expect(openStore({ dataDir: '/tmp/x', databaseUrl: 'mysql://localhost/db' })).rejects.toThrow(
    'databaseUrl: must be a postgres:// or postgresql:// URL',
  );
});
