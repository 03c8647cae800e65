import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Job } from '@ordo/core';
import { tempDataDir } from '@ordo/testing';
import { newId, openStore, type OrdoStore } from '../src/index';

const now = () => new Date().toISOString();

describe('SQLite store', () => {
  let dir: Awaited<ReturnType<typeof tempDataDir>>;
  let store: OrdoStore;

  beforeEach(async () => {
    dir = await tempDataDir('store');
    store = await openStore(dir.path);
    const created = await store.workflows.create(
      {
        workflow_id: 'wf',
        name: 'wf',
        status: 'PUBLISHED',
        input_variables: [{ name: 'x', variable_id: 'x', required: true, schema: { type: 'string' } }],
        steps: [{ type: 'tool', step_id: 's1', tool: { tool_id: 'text_analyzer', name: 'T' }, parameter_mappings: { text: 'x' }, output_mappings: {} }],
      },
      now(),
    );
    expect(created.ok).toBe(true);
  });

  afterEach(async () => {
    await store.close();
    await dir.remove();
  });

  function pendingJob(): Job {
    const jobId = newId('job');
    return {
      job_id: jobId,
      workflow_id: 'wf',
      workflow_version: 1,
      name: 'j',
      status: 'PENDING',
      created_at: now(),
      updated_at: now(),
      input_variables: [{ name: 'x', variable_id: 'x', required: true, schema: { type: 'string' } }],
      input_values: {},
      input_errors: { x: 'is required' },
      steps: [{ type: 'tool', step_id: 's1', job_id: jobId, sequence_number: 0, status: 'PENDING', tool: { tool_id: 'text_analyzer', name: 'T' }, parameter_mappings: { text: 'x' }, output_mappings: {} }],
      execution_progress: { current_step: 0, total_steps: 1, is_paused: false },
      live_output: '',
      output_data: {},
    };
  }

  it('refuses a second workflow with the same id', async () => {
    const again = await store.workflows.create({ workflow_id: 'wf', name: 'other', status: 'DRAFT', input_variables: [], steps: [] }, now());
    expect(again).toEqual({ ok: false, code: 'WORKFLOW_EXISTS' });
    expect((await store.workflows.get('wf'))?.name).toBe('wf');
  });

  it('starts a job only once its inputs are valid, and only once', async () => {
    const job = pendingJob();
    await store.jobs.insert(job);
    expect(await store.jobs.claimStart(job.job_id, now())).toEqual({ ok: false, code: 'INPUTS_INVALID' });
    await store.jobs.setInputs(job.job_id, { x: 'hello' }, {}, now());

    // Two processes racing to start the same job: exactly one wins.
    const other = await openStore(dir.path);
    try {
      const results = await Promise.all([store.jobs.claimStart(job.job_id, now()), other.jobs.claimStart(job.job_id, now())]);
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      expect(results.find((r) => !r.ok)).toEqual({ ok: false, code: 'JOB_NOT_PENDING' });
    } finally {
      await other.close();
    }
    expect(await store.jobs.setInputs(job.job_id, { x: 'changed' }, {}, now())).toEqual({ ok: false, code: 'JOB_NOT_PENDING' });
    expect((await store.jobs.get(job.job_id))?.input_values).toEqual({ x: 'hello' });
  });

  it('records the workflow-reported state, merging steps by id', async () => {
    const job = pendingJob();
    await store.jobs.insert(job);
    const found = await store.jobs.recordState(
      {
        job_id: job.job_id,
        status: 'COMPLETED',
        started_at: '2031-01-01T00:00:00.000Z',
        completed_at: '2031-01-01T00:00:05.000Z',
        execution_progress: { current_step: 0, total_steps: 1, is_paused: false },
        live_output: 'Completed 1 of 1 steps',
        output_data: { result: { ok: true } },
        steps: [{ step_id: 's1', status: 'COMPLETED', output_data: { analysis_results: 1 }, started_at: '2031-01-01T00:00:01.000Z', completed_at: '2031-01-01T00:00:04.000Z' }],
      },
      now(),
    );
    expect(found).toBe(true);
    const stored = await store.jobs.get(job.job_id);
    expect(stored).toMatchObject({ status: 'COMPLETED', completed_at: '2031-01-01T00:00:05.000Z', output_data: { result: { ok: true } } });
    expect(stored?.steps[0]).toMatchObject({ step_id: 's1', status: 'COMPLETED', tool: { tool_id: 'text_analyzer' }, output_data: { analysis_results: 1 } });
    expect(await store.jobs.recordState({ ...(await store.jobs.get(job.job_id))!, job_id: 'job_unknown', steps: [] }, now())).toBe(false);
  });

  it('keeps file bytes and metadata, and survives reopening', async () => {
    const bytes = new TextEncoder().encode('%PDF-1.4 pretend');
    const file = await store.files.save({ name: 'a.pdf', mime_type: 'application/pdf', bytes }, now());
    await store.close();
    store = await openStore(dir.path);
    const read = await store.files.read(file.file_id);
    expect(read?.name).toBe('a.pdf');
    expect(new TextDecoder().decode(read?.bytes)).toBe('%PDF-1.4 pretend');
    expect(read?.size).toBe(bytes.byteLength);
    expect(await store.files.read('../ordo.db')).toBeUndefined();
  });
});
