import { WorkflowFailedError, type Client } from '@temporalio/client';
import type { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  executionStateQuery,
  JOB_WORKFLOW_TYPE,
  pauseSignal,
  resumeSignal,
  runStateQuery,
  WorkflowDefinition,
  type JobRecord,
  type JobWorkflowInput,
  type JobWorkflowResult,
} from '@ordo/core';
import { toFileValue, type OrdoStore } from '@ordo/storage';
import { makePdf, seedFile, uniqueTaskQueue, workflowBundle } from '@ordo/testing';
import { TEST_TOOLS, TOOLS } from '@ordo/tools';
import { createWorker } from '../src/index';
import { insertJob } from './insert-job';
import { startRunningWorker, type RunningWorker } from './running-worker';
import { preparedInput } from './prepared-start';

const seed = WorkflowDefinition.parse(JSON.parse(seedFile('wf_analyze_document.json')));

/** The job workflow against a real Temporal server and a real store, without the API. */
describe('job workflow on a real Temporal server', () => {
  let store: OrdoStore;
  let client: Client;
  let running: RunningWorker;
  const taskQueue = uniqueTaskQueue('job-workflow');

  beforeAll(async () => {
    running = await startRunningWorker({
      name: 'job-workflow',
      taskQueue,
      tools: [...TOOLS, ...TEST_TOOLS],
    });
    ({ store, client } = running);
  });

  afterAll(async () => {
    await running.stop();
  });

  function start(job: JobRecord, input: Partial<JobWorkflowInput> = {}) {
    return client.workflow.start(JOB_WORKFLOW_TYPE, {
      workflowId: job.job_id,
      taskQueue,
      args: [{ job_id: job.job_id, ...input }],
    });
  }

  const TEST_TOOLSET = [...TOOLS, ...TEST_TOOLS];
  const noopChain = (name: string, steps: number) =>
    WorkflowDefinition.parse({
      workflow_id: name,
      name,
      input_variables: [{ name: 'v0', variable_id: 'v0', required: true, schema: { type: 'string' } }],
      steps: Array.from({ length: steps }, (_, i) => ({
        step_id: `s${i}`,
        tool: { tool_id: 'noop', name: 'Noop' },
        parameter_mappings: { value: `v${i}` },
        output_mappings: { value: `v${i + 1}` },
      })),
    });
  /**
   * The local activities' markers: the run's writes. A patch's marker (every execution asks
   * `ordo-bounded-expressions` first) is no write, so it is not counted.
   */
  const isWrite = (e: { markerRecordedEventAttributes?: { markerName?: string | null } | null }) =>
    e.markerRecordedEventAttributes?.markerName === 'core_local_activity';
  const markers = async (handle: {
    fetchHistory: () => Promise<{
      events?: { markerRecordedEventAttributes?: { markerName?: string | null } | null }[] | null;
    }>;
  }) => (await handle.fetchHistory()).events?.filter(isWrite).length;

  it('runs the seed workflow, records RUNNING itself, and persists the result', async () => {
    const pdf = await makePdf([
      ['Northwind Traders Annual Report 2031', 'Revenue reached $42.7 million this year.'],
      ['Operating margin improved and customer growth was 23% across all regions.'],
    ]);
    const file = await store.files.save(
      { name: 'northwind.pdf', mime_type: 'application/pdf', bytes: pdf },
      new Date().toISOString(),
    );
    const job = await insertJob(store, seed, { input_doc: toFileValue(file), depth: 'detailed' });

    const startedAt = '2031-05-05T10:00:00.000Z';
    const handle = await start(job, { started_at: startedAt });
    const result = (await handle.result()) as JobWorkflowResult;

    expect(result.status).toBe('Completed');
    expect(Object.keys(result.output_data)).toEqual(['final_analysis']);
    const analysis = result.output_data.final_analysis as { key_metrics: Record<string, string> };
    expect(analysis.key_metrics).toMatchObject({ revenue: '42.7M', growth: '23%' });

    const stored = await store.jobs.getStored(job.job_id);
    expect(stored?.run).toMatchObject({
      status: 'Completed',
      started_at: startedAt,
      run_id: handle.firstExecutionRunId,
    });
    expect(stored?.run?.steps.map((s) => [s.status, s.attempt])).toEqual([
      ['Completed', 1],
      ['Completed', 1],
    ]);
    expect(stored?.run?.steps[0]?.outputs?.extracted_text).toEqual(
      expect.stringContaining('Revenue reached $42.7 million'),
    );
    expect(stored?.runs).toEqual([
      expect.objectContaining({ run_id: handle.firstExecutionRunId, status: 'COMPLETED' }),
    ]);

    const state = await handle.query(executionStateQuery);
    expect(state.status).toBe('COMPLETED');
    expect(state.step_results.map((r) => r.success)).toEqual([true, true]);

    // Persistence costs one marker per write, not a scheduled activity: the only activities are the tools.
    const history = await handle.fetchHistory();
    const scheduled = history.events
      ?.filter((e) => e.activityTaskScheduledEventAttributes)
      .map((e) => e.activityTaskScheduledEventAttributes?.activityType?.name);
    expect(scheduled).toEqual(['pdf_extractor', 'text_analyzer']);
    expect(history.events?.filter(isWrite).length).toBe(2);
  });

  describe('begun from a prepared start', () => {
    it('persists through its tool activities alone: the stored run is the run state, and the history holds no local activity marker', async () => {
      const job = await insertJob(store, noopChain('wf_prepared', 3), { v0: 'hello' });
      const handle = await start(job, { ...preparedInput(job, TEST_TOOLSET), started_at: '2031-05-05T10:00:00.000Z' });
      const result = (await handle.result()) as JobWorkflowResult;
      expect(result).toMatchObject({ status: 'Completed', output_data: { v3: 'hello' } });

      const stored = await store.jobs.getStored(job.job_id);
      const live = await handle.query(runStateQuery);
      expect(stored?.run).toEqual(live);
      expect(stored?.run).toMatchObject({
        status: 'Completed',
        started_at: '2031-05-05T10:00:00.000Z',
        run_id: handle.firstExecutionRunId,
      });
      expect(stored?.run?.steps.map((s) => [s.status, s.attempt, s.max_attempts])).toEqual([
        ['Completed', 1, 3],
        ['Completed', 1, 3],
        ['Completed', 1, 3],
      ]);
      expect(stored?.runs).toEqual([
        expect.objectContaining({
          run_id: handle.firstExecutionRunId,
          status: 'COMPLETED',
          completed_at: live.completed_at,
        }),
      ]);
      expect(await markers(handle)).toBe(0);
    });

    it('does nothing when the job changed after its start was prepared', async () => {
      const job = await insertJob(store, noopChain('wf_changed', 1), { v0: 'old' });
      const input = preparedInput(job, TEST_TOOLSET);
      expect((await store.jobs.setInputs(job.job_id, { v0: 'new' }, {}, new Date().toISOString())).ok).toBe(true);
      const error = await (await start(job, input)).result().catch((e: unknown) => e);
      expect(((error as WorkflowFailedError).cause as ApplicationFailure).type).toBe('JOB_NOT_STARTABLE');
      expect(((error as WorkflowFailedError).cause as ApplicationFailure).message).toMatch(
        /changed after this run was started/,
      );
      const stored = await store.jobs.getStored(job.job_id);
      expect(stored).toMatchObject({ run: undefined, runs: [] });
      expect(stored?.job.input_values).toEqual({ v0: 'new' });
    });

    it('claims the job through a local activity when it pauses before its first step, and records pause, resumption and end', async () => {
      const job = await insertJob(store, noopChain('wf_paused_first', 2), { v0: 'x' });
      const handle = await client.workflow.signalWithStart(JOB_WORKFLOW_TYPE, {
        workflowId: job.job_id,
        taskQueue,
        args: [preparedInput(job, TEST_TOOLSET)],
        signal: pauseSignal,
      });
      for (let i = 0; i < 100 && (await store.jobs.getStored(job.job_id))?.run?.paused !== true; i++)
        await new Promise((r) => setTimeout(r, 50));
      const paused = await store.jobs.getStored(job.job_id);
      expect(paused?.run).toMatchObject({
        status: 'InProgress',
        paused: true,
        live_output: 'Paused before step 1 of 2',
      });
      expect(paused?.runs).toEqual([expect.objectContaining({ run_id: handle.signaledRunId, status: 'RUNNING' })]);
      await handle.signal(resumeSignal);
      await handle.result();
      expect((await store.jobs.getStored(job.job_id))?.run).toEqual(await handle.query(runStateQuery));
      // The pause and the resumption: the end rode on the last activity.
      expect(await markers(handle)).toBe(2);
    });

    it('a failed step is recorded by the workflow, with the steps its activities recorded before', async () => {
      const definition = WorkflowDefinition.parse({
        workflow_id: 'wf_prepared_failed',
        name: 'failed',
        steps: [
          {
            step_id: 'ok',
            tool: { tool_id: 'noop', name: 'Noop' },
            parameter_mappings: { value: 'a' },
            output_mappings: { value: 'first' },
          },
          {
            step_id: 'boom',
            tool: { tool_id: 'fail', name: 'Fail' },
            parameter_mappings: { code: 'DELIBERATE_FAILURE', message: 'no' },
          },
        ],
      });
      const job = await insertJob(store, definition, {});
      const handle = await start(job, preparedInput(job, TEST_TOOLSET));
      expect(await handle.result().catch((e: unknown) => e)).toBeInstanceOf(WorkflowFailedError);
      const stored = await store.jobs.getStored(job.job_id);
      expect(stored?.run).toEqual(await handle.query(runStateQuery));
      expect(stored?.run?.steps.map((s) => s.status)).toEqual(['Completed', 'Failed']);
      expect(stored?.runs).toEqual([expect.objectContaining({ status: 'FAILED' })]);
    });

    it('fails the last step whose outputs do not map, though its activity had recorded it completed', async () => {
      const definition = WorkflowDefinition.parse({
        workflow_id: 'wf_prepared_unmapped',
        name: 'unmapped',
        steps: [
          {
            step_id: 'n',
            tool: { tool_id: 'noop', name: 'Noop' },
            parameter_mappings: { value: 'a' },
            output_mappings: { missing: 'out' },
          },
        ],
      });
      const job = await insertJob(store, definition, {});
      const handle = await start(job, preparedInput(job, TEST_TOOLSET));
      await handle.result().catch(() => undefined);
      const stored = await store.jobs.getStored(job.job_id);
      expect(stored?.run).toMatchObject({ status: 'Failed', error: { code: 'MAPPING_FAILED' } });
      expect(stored?.run?.steps[0]).toMatchObject({ status: 'Failed', error: { code: 'MAPPING_FAILED' } });
    });

    it('cancelled before any worker began it, leaves the job PENDING with no run', async () => {
      const job = await insertJob(store, noopChain('wf_cancel_unclaimed', 1), { v0: 'x' });
      const lateQueue = `${taskQueue}-late`;
      const handle = await client.workflow.start(JOB_WORKFLOW_TYPE, {
        workflowId: job.job_id,
        taskQueue: lateQueue,
        args: [preparedInput(job, TEST_TOOLSET)],
      });
      await handle.cancel();
      const late = await createWorker({
        connection: running.connection,
        namespace: client.options.namespace,
        taskQueue: lateQueue,
        store,
        tools: TEST_TOOLSET,
        workflowBundle: workflowBundle(),
      });
      await late.runUntil(handle.result().catch(() => undefined));
      expect((await handle.describe()).status.name).toBe('CANCELLED');
      const stored = await store.jobs.getStored(job.job_id);
      expect(stored).toMatchObject({ run: undefined, runs: [] });
      expect(await store.jobs.stepRuns(handle.firstExecutionRunId)).toEqual([]);
    });
  });

  it('refuses an unknown tool at once, without scheduling an activity', async () => {
    const definition = WorkflowDefinition.parse({
      workflow_id: 'wf_unknown',
      name: 'unknown',
      steps: [{ step_id: 'x', tool: { tool_id: 'ocr_magic', name: 'OCR' } }],
    });
    const job = await insertJob(store, definition, {});
    const handle = await start(job);
    const error = await handle.result().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkflowFailedError);
    expect(((error as WorkflowFailedError).cause as ApplicationFailure).type).toBe('JOB_FAILED');
    const stored = await store.jobs.getStored(job.job_id);
    expect(stored?.run?.error).toEqual({
      code: 'UNKNOWN_TOOL',
      message: "Unknown tool 'ocr_magic': no worker offers it",
    });
    expect(stored?.run?.steps[0]).toMatchObject({ status: 'Failed', attempt: 0 });
    const history = await handle.fetchHistory();
    expect(history.events?.some((e) => e.activityTaskScheduledEventAttributes)).toBe(false);
  });

  it('a run for a job that is not PENDING does nothing and says why', async () => {
    const definition = WorkflowDefinition.parse({
      workflow_id: 'wf_noop',
      name: 'noop',
      steps: [{ step_id: 'n', tool: { tool_id: 'noop', name: 'Noop' } }],
    });
    const job = await insertJob(store, definition, {});
    await (await start(job)).result();
    const second = await start(job);
    const error = await second.result().catch((e: unknown) => e);
    expect(((error as WorkflowFailedError).cause as ApplicationFailure).type).toBe('JOB_NOT_STARTABLE');
    expect(((error as WorkflowFailedError).cause as ApplicationFailure).message).toMatch(/is COMPLETED, not PENDING/);
    const stored = await store.jobs.getStored(job.job_id);
    expect(stored?.runs).toHaveLength(1);
    expect(stored?.run?.status).toBe('Completed');
  });

  it('drops the writes of a run that is no longer the job current run', async () => {
    const definition = WorkflowDefinition.parse({
      workflow_id: 'wf_sleep',
      name: 'sleep',
      steps: [{ step_id: 's', tool: { tool_id: 'sleep', name: 'Sleep' }, parameter_mappings: { ms: 1500 } }],
    });
    const job = await insertJob(store, definition, {});
    const handle = await start(job);
    const runId = handle.firstExecutionRunId;
    // Wait until the run has claimed the job, then reset it underneath the run, as the API's reset does.
    for (let i = 0; i < 100 && (await store.jobs.get(job.job_id))?.run_id !== runId; i++)
      await new Promise((r) => setTimeout(r, 50));
    expect((await store.jobs.reset(job.job_id, runId, new Date().toISOString())).ok).toBe(true);
    await handle.result();
    const stored = await store.jobs.getStored(job.job_id);
    expect(stored?.run).toBeUndefined();
    expect(stored?.job.run_id).toBeUndefined();
    // The run's own record still holds its outcome.
    expect(stored?.runs).toEqual([expect.objectContaining({ run_id: runId, status: 'COMPLETED' })]);
  });
});
