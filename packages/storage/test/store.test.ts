import { afterEach, beforeEach, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Job } from '@ordo/core';
import { sql } from 'kysely';
import { forEachDialect, testStoreConfig, type TestStoreConfig } from '@ordo/testing';
import { newId, openStore, type OrdoStore } from '../src/index';
import { migrationProvider } from '../src/migrations';

const now = () => new Date().toISOString();

forEachDialect('store', (dialect) => {
  let target: TestStoreConfig;
  let store: OrdoStore;

  beforeEach(async () => {
    target = await testStoreConfig(dialect, 'store');
    store = await openStore(target.config);
    expect(store.dialect).toBe(dialect);
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
    await target.remove();
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
    const other = await openStore(target.config);
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
    const file = await store.files.save({ name: 'a.txt', mime_type: 'text/plain', bytes: new TextEncoder().encode('gone') }, now());
    await rm(join(target.config.dataDir, 'blobs'), { recursive: true });
    await expect(store.files.read(file.file_id)).rejects.toThrow(`the content of file ${file.file_id} (sha256 ${file.sha256}) is missing`);
  });

  it('reads a file saved before the blob store from the old files folder, and moves it in', async () => {
    const bytes = new TextEncoder().encode('legacy');
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    await store.db.insertInto('files').values({ file_id: 'file_legacy', name: 'old.txt', mime_type: 'text/plain', size: bytes.byteLength, sha256, created_at: now() }).execute();
    await mkdir(join(target.config.dataDir, 'files'), { recursive: true });
    await writeFile(join(target.config.dataDir, 'files', 'file_legacy'), bytes);
    expect(new TextDecoder().decode((await store.files.read('file_legacy'))?.bytes)).toBe('legacy');
    expect(await store.blobs.has(sha256)).toBe(true);
  });

  it('lets two processes open a new database at once: both migrate without error', async () => {
    const fresh = await testStoreConfig(dialect, 'race');
    try {
      const stores = await Promise.all([openStore(fresh.config), openStore(fresh.config), openStore(fresh.config)]);
      try {
        for (const s of stores) await s.ping();
        const created = await stores[0].workflows.create(
          {
            workflow_id: 'w',
            name: 'w',
            status: 'DRAFT',
            input_variables: [],
            steps: [{ type: 'tool', step_id: 's1', tool: { tool_id: 'text_analyzer', name: 'T' }, parameter_mappings: {}, output_mappings: {} }],
          },
          now(),
        );
        expect(created.ok).toBe(true);
        expect((await stores[2].workflows.get('w'))?.name).toBe('w');
        const applied = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(stores[1].db);
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
  await expect(openStore({ dataDir: '/tmp/x', databaseUrl: 'mysql://localhost/db' })).rejects.toThrow('databaseUrl: must be a postgres:// or postgresql:// URL');
});
