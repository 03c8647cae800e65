import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InputVariable, JobRecord, StepDefinition } from '@ordo/core';
import { forEachDialect, testStoreConfig, type TestStoreConfig } from '@ordo/testing';
import { newId, openStore, type OrdoStore } from '../src/index';

const now = () => new Date().toISOString();
const INPUTS: InputVariable[] = [
  { name: 'Document', variable_id: 'doc', required: true, schema: { type: 'file' } },
  { name: 'Attachments', variable_id: 'more', required: false, schema: { type: 'array', items: { type: 'file' } } },
];
const STEPS: StepDefinition[] = [
  {
    type: 'tool',
    step_id: 'read',
    name: 'Read',
    tool: { tool_id: 'pdf_extractor', name: 'PDF' },
    parameter_mappings: { input_file: 'doc' },
    output_mappings: { extracted_text: 'text' },
  },
];
const text = (s: string) => new TextEncoder().encode(s);

forEachDialect('file references', (dialect) => {
  let target: TestStoreConfig;
  let store: OrdoStore;

  beforeEach(async () => {
    target = await testStoreConfig(dialect, 'file-refs');
    store = await openStore(target.config);
    expect(
      (
        await store.workflows.create(
          { workflow_id: 'wf', name: 'wf', status: 'PUBLISHED', input_variables: INPUTS, steps: STEPS },
          now(),
        )
      ).ok,
    ).toBe(true);
  });
  afterEach(async () => {
    await store.close();
    await target.remove();
  });

  /** A new job of `wf` with these input values. */
  function jobRecord(values: JobRecord['input_values'] = {}): JobRecord {
    return {
      job_id: newId('job'),
      workflow_id: 'wf',
      workflow_version: 1,
      name: 'job',
      created_at: now(),
      updated_at: now(),
      input_variables: INPUTS,
      input_values: values,
      input_errors: {},
      steps: STEPS,
      output_variables: ['text'],
      correlation_id: 'c',
      context: {},
    };
  }

  async function pendingJob(): Promise<JobRecord> {
    const job = jobRecord();
    await store.jobs.insert(job);
    return job;
  }

  const refs = async () =>
    (await store.db.selectFrom('job_files').selectAll().orderBy('file_id').execute()).map((r) => [r.job_id, r.file_id]);
  const setStatus = (jobId: string, status: string) =>
    store.db.updateTable('jobs').set({ status }).where('job_id', '=', jobId).execute();

  it('writes the files named by the inputs (nested in arrays too) with the inputs, and replaces them', async () => {
    const [a, b, c] = await Promise.all(
      ['a', 'b', 'c'].map((n) => store.files.save({ name: n, mime_type: 'text/plain', bytes: text(n) }, now())),
    );
    const job = await pendingJob();
    expect(
      (
        await store.jobs.setInputs(
          job.job_id,
          { doc: { file_id: a!.file_id }, more: [{ file_id: b!.file_id }, { file_id: a!.file_id }] },
          {},
          now(),
        )
      ).ok,
    ).toBe(true);
    expect(await refs()).toEqual(
      [
        [job.job_id, a!.file_id],
        [job.job_id, b!.file_id],
      ].sort((x, y) => x[1]!.localeCompare(y[1]!)),
    );
    expect((await store.jobs.setInputs(job.job_id, { doc: { file_id: c!.file_id } }, {}, now())).ok).toBe(true);
    expect(await refs()).toEqual([[job.job_id, c!.file_id]]);
  });

  it('refuses an input change naming a file that no longer exists, changing nothing', async () => {
    const a = await store.files.save({ name: 'a', mime_type: 'text/plain', bytes: text('a') }, now());
    const job = await pendingJob();
    expect(await store.jobs.setInputs(job.job_id, { doc: { file_id: 'file_gone' } }, {}, now())).toEqual({
      ok: false,
      code: 'FILE_NOT_FOUND',
    });
    expect((await store.jobs.get(job.job_id))?.input_values).toEqual({});
    expect((await store.jobs.setInputs(job.job_id, { doc: { file_id: a.file_id } }, {}, now())).ok).toBe(true);
  });

  it('creates a job with inputs naming files together with its references, or not at all when a file is gone', async () => {
    const a = await store.files.save({ name: 'a', mime_type: 'text/plain', bytes: text('created with a') }, now());
    const created = jobRecord({ doc: { file_id: a.file_id } });
    expect(await store.jobs.insertIfPublished(created)).toEqual({ ok: true });
    expect(await refs()).toEqual([[created.job_id, a.file_id]]);
    // The file checked by the caller was deleted before the insert: no job, no half-written row.
    const late = jobRecord({ doc: { file_id: a.file_id }, more: [{ file_id: 'file_gone' }] });
    expect(await store.jobs.insertIfPublished(late)).toEqual({ ok: false, code: 'FILE_NOT_FOUND' });
    expect(await store.jobs.get(late.job_id)).toBeUndefined();
    expect(await refs()).toEqual([[created.job_id, a.file_id]]);
  });

  it('keeps a value already flagged invalid (its file gone) when other inputs change', async () => {
    const a = await store.files.save({ name: 'a', mime_type: 'text/plain', bytes: text('kept a') }, now());
    const job = await pendingJob();
    const errors = { doc: "Document must name an uploaded file; file 'file_gone' does not exist" };
    const set = await store.jobs.setInputs(
      job.job_id,
      { doc: { file_id: 'file_gone' }, more: [{ file_id: a.file_id }] },
      errors,
      now(),
    );
    expect(set).toMatchObject({ ok: true, job: { input_errors: errors } });
    expect(await refs()).toEqual([[job.job_id, a.file_id]]);
  });

  it('refuses to delete a file a PENDING or RUNNING job uses, and deletes it once the job ended', async () => {
    const a = await store.files.save({ name: 'a', mime_type: 'text/plain', bytes: text('only a') }, now());
    const job = await pendingJob();
    await store.jobs.setInputs(job.job_id, { doc: { file_id: a.file_id } }, {}, now());
    expect(await store.files.deleteIfUnused(a.file_id)).toEqual({
      ok: false,
      code: 'FILE_IN_USE',
      job_ids: [job.job_id],
    });
    await setStatus(job.job_id, 'RUNNING');
    expect(await store.files.deleteIfUnused(a.file_id)).toMatchObject({ ok: false, code: 'FILE_IN_USE' });
    expect(await store.blobs.has(a.sha256)).toBe(true);
    await setStatus(job.job_id, 'COMPLETED');
    expect(await store.files.deleteIfUnused(a.file_id)).toEqual({ ok: true, content_removed: true });
    expect(await store.files.get(a.file_id)).toBeUndefined();
    expect(await store.blobs.has(a.sha256)).toBe(false);
    expect(await refs()).toEqual([]);
    expect(await store.files.deleteIfUnused(a.file_id)).toEqual({ ok: false, code: 'FILE_NOT_FOUND' });
  });

  it('keeps the bytes while another file record shares them', async () => {
    const a = await store.files.save({ name: 'a', mime_type: 'text/plain', bytes: text('shared') }, now());
    const b = await store.files.save({ name: 'b', mime_type: 'text/plain', bytes: text('shared') }, now());
    expect(await store.files.deleteIfUnused(a.file_id)).toEqual({ ok: true, content_removed: false });
    expect(new TextDecoder().decode((await store.files.read(b.file_id))?.bytes)).toBe('shared');
    expect(await store.files.deleteIfUnused(b.file_id)).toEqual({ ok: true, content_removed: true });
  });

  it('streams a file with its size', async () => {
    const a = await store.files.save({ name: 'a', mime_type: 'text/plain', bytes: text('streamed bytes') }, now());
    const opened = await store.files.open(a.file_id);
    expect(opened?.content.size).toBe(14);
    expect(await new Response(opened!.content.stream).text()).toBe('streamed bytes');
    expect(await store.files.open('file_none')).toBeUndefined();
  });

  describe('a delete racing a job taking the file', () => {
    it('never ends with the file gone and the job referencing it', async () => {
      // Two connections on PostgreSQL. SQLite's driver is synchronous, so a second connection in
      // this process would block the thread waiting for the first one's lock; there the two
      // share one connection, whose transactions run one at a time, as across processes the
      // write lock makes them.
      const other = dialect === 'postgres' ? await openStore(target.config) : store;
      try {
        for (let round = 0; round < 10; round++) {
          const file = await store.files.save(
            { name: `f${round}`, mime_type: 'text/plain', bytes: text(`race ${round}`) },
            now(),
          );
          const job = await pendingJob();
          const [set, deleted] = await Promise.all([
            store.jobs.setInputs(job.job_id, { doc: { file_id: file.file_id } }, {}, now()),
            other.files.deleteIfUnused(file.file_id),
          ]);
          // Exactly one wins: the job took the file (the delete is refused), or the file went first (the input change is).
          expect([set.ok, deleted.ok], `round ${round}`).toSatisfy(([s, d]: boolean[]) => s !== d);
          const exists = (await store.files.get(file.file_id)) !== undefined;
          expect(exists).toBe(set.ok);
        }
      } finally {
        if (other !== store) await other.close();
      }
    });
  });
});
