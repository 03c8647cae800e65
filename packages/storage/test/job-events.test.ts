import { afterEach, beforeEach, expect, it } from 'vitest';
import {
  initialRunHeader,
  runHeaderSource,
  type InputVariable,
  type JobRecord,
  type RunHeader,
  type StepDefinition,
  type StepRun,
} from '@ordo/core';
import { forEachDialect, testStoreConfig, type TestStoreConfig } from '@ordo/testing';
import { newId, openStore, type OrdoStore } from '../src/index';

/*
 * The job event log as its triggers write it: which run-state writes imply which events, in
 * which order, with which data, and which writes say nothing.
 */

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
  { type: 'sys.wait', step_id: 'pause', name: 'Pause', wait: { duration: '1m' } },
  {
    type: 'tool',
    step_id: 'summarize',
    name: 'Summarize',
    tool: { tool_id: 'text_analyzer', name: 'Analyzer' },
    parameter_mappings: { text: 'first' },
    output_mappings: { analysis_results: 'result' },
  },
];

forEachDialect('job event log', (dialect) => {
  let target: TestStoreConfig;
  let store: OrdoStore;

  beforeEach(async () => {
    target = await testStoreConfig(dialect, 'events');
    store = await openStore(target.config);
    const created = await store.workflows.create(
      { workflow_id: 'wf', name: 'wf', status: 'PUBLISHED', input_variables: INPUTS, steps: STEPS },
      at(0),
    );
    expect(created.ok).toBe(true);
  });
  afterEach(async () => {
    await store.close();
    await target.remove();
  });

  async function claimedJob(runId: string): Promise<JobRecord> {
    const job: JobRecord = {
      job_id: newId('job'),
      workflow_id: 'wf',
      workflow_version: 1,
      name: 'job',
      created_at: at(0),
      updated_at: at(0),
      input_variables: INPUTS,
      input_values: { text: 'hello' },
      input_errors: {},
      steps: STEPS,
      output_variables: ['result'],
      correlation_id: 'c',
      context: {},
    };
    await store.jobs.insert(job);
    expect(await store.runs.claimRun({ job_id: job.job_id, run_id: runId, started_at: at(1) }, at(1))).toMatchObject({
      ok: true,
    });
    return job;
  }
  const header = (job: JobRecord, runId: string, patch: Partial<RunHeader> = {}): RunHeader => ({
    ...initialRunHeader(runHeaderSource(job), runId, at(1)),
    ...patch,
  });
  const step = (index: number, patch: Partial<StepRun>): StepRun => ({
    index,
    step_id: STEPS[index]!.step_id,
    type: STEPS[index]!.type,
    status: 'NotStarted',
    attempt: 0,
    ...patch,
  });
  const address = (job: JobRecord, runId: string, index: number) => ({
    run_id: runId,
    job_id: job.job_id,
    step_index: index,
    step_id: STEPS[index]!.step_id,
    type: STEPS[index]!.type,
  });
  /**
   * The job's status a step event written with the run's ending carries: SQLite's triggers
   * read it as their statement left it (the ending's update follows), PostgreSQL's deferred
   * ones as the transaction committed it.
   */
  const withEnding = (status: string) => (dialect === 'postgres' ? status : 'RUNNING');
  const eventsOf = async (job: JobRecord) => store.events.list({ job_id: job.job_id }, 0, 1000);
  const summary = async (job: JobRecord) =>
    (await eventsOf(job)).map((e) => `${e.type}${e.data.step_id ? ` ${e.data.step_id}` : ''} ${e.job_status}`);

  it('writes a run from its claim to its ending: attempts, progress, a wait, a pause and the ending', async () => {
    const job = await claimedJob('run_1');
    const first = address(job, 'run_1', 0);
    await store.runs.recordAttemptStarted(first, 1, 3, at(2));
    await store.runs.recordAttemptProgress(first, 1, { message: 'page 1 of 2' }, at(3));
    // The same message again, and an attempt that is not the step's: nothing new.
    await store.runs.recordAttemptProgress(first, 1, { message: 'page 1 of 2' }, at(3));
    await store.runs.recordAttemptProgress(first, 2, { message: 'stale' }, at(3));
    // A failed attempt says nothing: its retry's start does.
    await store.runs.recordAttemptEnded(first, 1, at(2), { error: { code: 'FLAKY', message: 'again' } }, at(4));
    await store.runs.recordAttemptStarted(first, 2, 3, at(5));
    await store.runs.recordAttemptEnded(first, 2, at(2), { outputs: { analysis_results: 'x' } }, at(6));
    // The workflow records the waiting step as it begins, then a pause and a resumption.
    const waiting = step(1, { status: 'InProgress', attempt: 0, started_at: at(7), due_at: at(67) });
    await store.runs.recordRun({ header: header(job, 'run_1', { current_step_index: 1 }), steps: [waiting] }, at(7));
    await store.runs.recordRun({ header: header(job, 'run_1', { paused: true }), steps: [] }, at(8));
    await store.runs.recordRun({ header: header(job, 'run_1', { paused: false }), steps: [] }, at(9));
    // The ending: the wait completes, the last step fails, the run fails, in one record.
    const error = { code: 'TOOL_FAILED', message: 'no' };
    await store.runs.recordRun(
      {
        header: header(job, 'run_1', { status: 'Failed', error, completed_at: at(10), failed_at: at(10) }),
        steps: [
          step(0, { status: 'Completed', attempt: 2, max_attempts: 3, started_at: at(2), completed_at: at(6) }),
          { ...waiting, status: 'Completed', completed_at: at(10) },
          step(2, { status: 'Failed', attempt: 1, started_at: at(10), failed_at: at(10), error }),
        ],
      },
      at(10),
    );
    expect(await summary(job)).toEqual([
      'job.started RUNNING',
      'step.started extract RUNNING',
      'step.progress extract RUNNING',
      'step.started extract RUNNING',
      'step.completed extract RUNNING',
      'step.waiting pause RUNNING',
      'job.paused RUNNING',
      'job.resumed RUNNING',
      `step.completed pause ${withEnding('FAILED')}`,
      `step.failed summarize ${withEnding('FAILED')}`,
      'job.failed FAILED',
    ]);
    const events = await eventsOf(job);
    expect(events.map((e) => e.data)).toEqual([
      {},
      { step_index: 0, step_id: 'extract', step_type: 'tool', attempt: 1, max_attempts: 3 },
      { step_index: 0, step_id: 'extract', step_type: 'tool', attempt: 1, max_attempts: 3, message: 'page 1 of 2' },
      { step_index: 0, step_id: 'extract', step_type: 'tool', attempt: 2, max_attempts: 3 },
      { step_index: 0, step_id: 'extract', step_type: 'tool', attempt: 2, max_attempts: 3 },
      { step_index: 1, step_id: 'pause', step_type: 'sys.wait', due_at: at(67) },
      {},
      {},
      { step_index: 1, step_id: 'pause', step_type: 'sys.wait' },
      { step_index: 2, step_id: 'summarize', step_type: 'tool', attempt: 1, error_code: 'TOOL_FAILED', message: 'no' },
      { error_code: 'TOOL_FAILED', message: 'no' },
    ]);
    expect(events.every((e) => e.run_id === 'run_1' && e.workflow_id === 'wf')).toBe(true);
    const ids = events.map((e) => e.event_id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    // The same record again (a retried local activity) moves nothing.
    await store.runs.recordRun(
      { header: header(job, 'run_1', { status: 'Failed', error, completed_at: at(10) }), steps: [] },
      at(11),
    );
    expect(await eventsOf(job)).toHaveLength(events.length);
  });

  it("carries a progress report's fraction: a new fraction under the same message is an event, none says nothing new", async () => {
    const job = await claimedJob('run_1');
    const first = address(job, 'run_1', 0);
    await store.runs.recordAttemptStarted(first, 1, undefined, at(2));
    await store.runs.recordAttemptProgress(first, 1, { message: 'reading', fraction: 0.25 }, at(3));
    // The same report again: nothing; the same message further along: an event.
    await store.runs.recordAttemptProgress(first, 1, { message: 'reading', fraction: 0.25 }, at(3));
    await store.runs.recordAttemptProgress(first, 1, { message: 'reading', fraction: 0.5 }, at(4));
    // A report without a fraction: an event without one.
    await store.runs.recordAttemptProgress(first, 1, { message: 'writing' }, at(5));
    await store.runs.recordAttemptProgress(first, 1, { message: 'writing', fraction: 1 }, at(6));
    // Another attempt's report is stale: nothing.
    await store.runs.recordAttemptProgress(first, 2, { message: 'stale', fraction: 0.75 }, at(6));
    await store.runs.recordAttemptEnded(first, 1, at(2), { outputs: { analysis_results: 'x' } }, at(7));
    const progress = (await eventsOf(job)).filter((e) => e.type === 'step.progress').map((e) => e.data);
    const of = { step_index: 0, step_id: 'extract', step_type: 'tool', attempt: 1 };
    expect(progress).toEqual([
      { ...of, message: 'reading', fraction: 0.25 },
      { ...of, message: 'reading', fraction: 0.5 },
      { ...of, message: 'writing' },
      { ...of, message: 'writing', fraction: 1 },
    ]);
    // Cleared with the message when the attempt ends.
    const ended = (await store.jobs.stepRuns('run_1'))[0];
    expect([ended?.status, ended?.progress, ended?.progress_fraction]).toEqual(['Completed', undefined, undefined]);
  });

  it('ends a run with its last step in one write, and a run ended outside it', async () => {
    const job = await claimedJob('run_1');
    const done = step(2, { status: 'Completed', attempt: 1, started_at: at(2), completed_at: at(3) });
    await store.runs.recordStepCompleted(
      { run_id: 'run_1', job_id: job.job_id },
      done,
      header(job, 'run_1', { status: 'Completed', completed_at: at(3) }),
      at(3),
    );
    expect(await summary(job)).toEqual([
      'job.started RUNNING',
      `step.completed summarize ${withEnding('COMPLETED')}`,
      'job.completed COMPLETED',
    ]);

    const other = await claimedJob('run_2');
    await store.runs.recordAttemptStarted(address(other, 'run_2', 0), 1, undefined, at(2));
    const error = { code: 'WORKFLOW_TERMINATED', message: 'terminated' };
    expect(
      await store.jobs.endRunOutside(
        {
          header: header(other, 'run_2', { status: 'Failed', error, completed_at: at(4) }),
          steps: [step(0, { status: 'Failed', attempt: 1, started_at: at(2), failed_at: at(4), error })],
        },
        at(4),
      ),
    ).toEqual({ ok: true });
    expect(await summary(other)).toEqual([
      'job.started RUNNING',
      'step.started extract RUNNING',
      `step.failed extract ${withEnding('FAILED')}`,
      'job.failed FAILED',
    ]);
  });

  it("says nothing of an old run's late writes after a reset, nor of a retry's reused steps", async () => {
    const job = await claimedJob('run_1');
    await store.runs.recordAttemptStarted(address(job, 'run_1', 0), 1, undefined, at(2));
    const error = { code: 'TOOL_FAILED', message: 'no' };
    await store.runs.recordRun(
      {
        header: header(job, 'run_1', { status: 'Failed', error, completed_at: at(4) }),
        steps: [
          step(0, { status: 'Completed', attempt: 1, started_at: at(2), completed_at: at(3) }),
          step(1, { status: 'Failed', attempt: 0, started_at: at(3), failed_at: at(4), error }),
        ],
      },
      at(4),
    );
    // A retry from step 1 copies step 0 into its run: no event for the copy.
    expect(
      await store.runs.claimRun(
        { job_id: job.job_id, run_id: 'run_2', started_at: at(5), retry: { run_id: 'run_1', from_step_index: 1 } },
        at(5),
      ),
    ).toMatchObject({ ok: true });
    expect(await store.jobs.reset(job.job_id, 'run_2', at(6))).toMatchObject({ ok: true });
    // run_2, no longer current, still writes: nothing.
    await store.runs.recordAttemptStarted(address(job, 'run_2', 2), 1, undefined, at(7));
    await store.runs.recordAttemptProgress(address(job, 'run_2', 2), 1, { message: 'late' }, at(7));
    expect(await summary(job)).toEqual([
      'job.started RUNNING',
      'step.started extract RUNNING',
      `step.completed extract ${withEnding('FAILED')}`,
      `step.failed pause ${withEnding('FAILED')}`,
      'job.failed FAILED',
      'job.started RUNNING',
      'job.reset PENDING',
    ]);
    expect((await eventsOf(job)).at(-1)).not.toHaveProperty('run_id');
  });
});
