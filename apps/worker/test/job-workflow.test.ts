import { WorkflowFailedError, type Client } from '@temporalio/client';
import type { NativeConnection, Worker } from '@temporalio/worker';
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ExecutionState,
  EXECUTION_STATE_QUERY,
  JOB_WORKFLOW_TYPE,
  jobWorkflowInput,
  orderedSteps,
  WorkflowDefinition,
  type Job,
  type JobStateUpdate,
  type JobWorkflowInput,
} from '@ordo/core';
import { newId, openStore, toFileValue, type OrdoStore } from '@ordo/storage';
import { connectClient, connectWorker, makePdf, seedFile, tempDataDir, uniqueTaskQueue, workflowBundle } from '@ordo/testing';
import { createWorker } from '../src/index';

const seed = WorkflowDefinition.parse(JSON.parse(seedFile('wf_analyze_document.json')));

/** A gate tool for observing a job mid-run: it holds until the test opens the gate. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  let entered!: () => void;
  const reached = new Promise<void>((resolve) => (entered = resolve));
  return {
    open,
    reached,
    activity: async (params: Record<string, unknown>) => {
      entered();
      await opened;
      return { passed: params.value ?? null };
    },
  };
}

describe('job workflow on a real Temporal server', () => {
  let store: OrdoStore;
  let removeDir: () => Promise<void>;
  let client: Client;
  let connection: NativeConnection;
  let worker: Worker;
  let running: Promise<void>;
  const taskQueue = uniqueTaskQueue('job-workflow');
  const hold = gate();

  beforeAll(async () => {
    const dir = await tempDataDir('job-workflow');
    removeDir = dir.remove;
    store = await openStore({ dataDir: dir.path });
    client = await connectClient();
    connection = await connectWorker();
    worker = await createWorker({
      connection,
      namespace: client.options.namespace,
      taskQueue,
      store,
      workflowBundle: workflowBundle(),
      extraActivities: { hold: hold.activity },
    });
    running = worker.run();
  });

  afterAll(async () => {
    worker.shutdown();
    await running;
    await connection.close();
    await client.connection.close();
    await store.close();
    await removeDir();
  });

  async function createJob(definition: WorkflowDefinition, inputValues: JobWorkflowInput['input_values']): Promise<Job> {
    const now = new Date().toISOString();
    const workflowId = `${definition.workflow_id}_${newId('job').slice(4, 12)}`;
    await store.workflows.create({ ...definition, workflow_id: workflowId }, now);
    const jobId = newId('job');
    const job: Job = {
      job_id: jobId,
      workflow_id: workflowId,
      workflow_version: 1,
      name: 'test job',
      status: 'PENDING',
      created_at: now,
      updated_at: now,
      input_variables: definition.input_variables,
      input_values: inputValues,
      input_errors: {},
      steps: orderedSteps(definition.steps).map((s, i) => ({ ...s, job_id: jobId, sequence_number: i, status: 'PENDING' })),
      execution_progress: { current_step: 0, total_steps: definition.steps.length, is_paused: false },
      live_output: '',
      output_data: {},
    };
    await store.jobs.insert(job);
    return job;
  }

  function start(job: Job) {
    return client.workflow.start(JOB_WORKFLOW_TYPE, { workflowId: job.job_id, taskQueue, args: [jobWorkflowInput(job)] });
  }

  it('runs the seed workflow: extracts the PDF text, analyzes it and persists the result', async () => {
    const pdf = await makePdf([
      ['Northwind Traders Annual Report 2031', 'Revenue reached $42.7 million this year.'],
      ['Operating margin improved and customer growth was 23% across all regions.'],
    ]);
    const file = await store.files.save({ name: 'northwind.pdf', mime_type: 'application/pdf', bytes: pdf }, new Date().toISOString());
    const job = await createJob(seed, { input_doc: toFileValue(file), depth: 'detailed' });

    const handle = await start(job);
    const result = (await handle.result()) as JobStateUpdate;

    expect(result.status).toBe('COMPLETED');
    const text = result.steps[0]?.output_data?.extracted_text;
    expect(text).toEqual(expect.stringContaining('Revenue reached $42.7 million'));
    const analysis = result.output_data.final_analysis as { summary: string; key_metrics: Record<string, string> };
    expect(analysis.summary.length).toBeGreaterThan(0);
    expect(analysis.key_metrics.revenue).toBe('42.7M');
    expect(analysis.key_metrics.growth).toBe('23%');

    const stored = await store.jobs.get(job.job_id);
    expect(stored?.status).toBe('COMPLETED');
    expect(stored?.completed_at).toBeDefined();
    expect(stored?.output_data).toEqual(result.output_data);
    expect(stored?.steps.map((s) => s.status)).toEqual(['COMPLETED', 'COMPLETED']);
    expect(stored?.execution_progress).toEqual({ current_step: 1, total_steps: 2, is_paused: false });

    const state = ExecutionState.parse(await handle.query(EXECUTION_STATE_QUERY));
    expect(state.status).toBe('COMPLETED');
    expect(state.step_results.map((r) => r.success)).toEqual([true, true]);
    expect(state.variables.document_text).toBe(text);
  });

  it('answers executionState while a step runs', async () => {
    const definition = WorkflowDefinition.parse({
      workflow_id: 'wf_gated',
      name: 'gated',
      input_variables: [{ name: 'v', variable_id: 'v', required: true, schema: { type: 'string' } }],
      steps: [
        { step_id: 'wait_here', tool: { tool_id: 'hold', name: 'Hold' }, parameter_mappings: { value: 'v' }, output_mappings: { passed: 'held' } },
        { step_id: 'analyze', tool: { tool_id: 'text_analyzer', name: 'Text Analysis Tool' }, parameter_mappings: { text: 'held' }, output_mappings: { analysis_results: 'analysis' } },
      ],
    });
    const job = await createJob(definition, { v: 'The gate opened. Sales grew 12% in March.' });
    const handle = await start(job);
    await hold.reached;

    const live = ExecutionState.parse(await handle.query(EXECUTION_STATE_QUERY));
    expect(live).toMatchObject({ status: 'RUNNING', current_step_index: 0, total_steps: 2, is_paused: false, step_results: [] });
    expect(live.live_output).toBe('Running step 1 of 2: Hold');
    expect(live.variables).toEqual({ v: 'The gate opened. Sales grew 12% in March.' });

    hold.open();
    const result = (await handle.result()) as JobStateUpdate;
    expect(result.status).toBe('COMPLETED');
    expect(result.output_data.held).toBe('The gate opened. Sales grew 12% in March.');
  });

  it('fails the job, the step and the run when a tool cannot succeed, without retrying', async () => {
    const bogus = new TextEncoder().encode('%PDF-1.7\nthis is not really a pdf');
    const file = await store.files.save({ name: 'broken.pdf', mime_type: 'application/pdf', bytes: bogus }, new Date().toISOString());
    const job = await createJob(seed, { input_doc: toFileValue(file), depth: 'basic' });
    const handle = await start(job);

    const error = await handle.result().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkflowFailedError);
    const cause = (error as WorkflowFailedError).cause;
    expect(cause).toBeInstanceOf(ApplicationFailure);
    expect((cause as ApplicationFailure).type).toBe('JOB_FAILED');

    const stored = await store.jobs.get(job.job_id);
    expect(stored?.status).toBe('FAILED');
    expect(stored?.error_message).toMatch(/^Failed to process PDF/);
    expect(stored?.steps.map((s) => s.status)).toEqual(['FAILED', 'PENDING']);
    expect(stored?.steps[0]?.error_message).toBe(stored?.error_message);

    // A non-retryable tool error is tried once: the history holds a single activity attempt.
    const history = await handle.fetchHistory();
    const failedActivity = history.events?.find((e) => e.activityTaskFailedEventAttributes);
    expect(failedActivity).toBeDefined();
    const started = history.events?.filter((e) => e.activityTaskStartedEventAttributes?.attempt !== undefined) ?? [];
    expect(started.every((e) => (e.activityTaskStartedEventAttributes?.attempt ?? 1) === 1)).toBe(true);
  });
});
