import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InputVariable, JobRecord, StepDefinition } from '@ordo/core';
import { forEachDialect, testStoreConfig, type TestStoreConfig } from '@ordo/testing';
import { newId, openStore, type OrdoStore, type WorkflowContent } from '../src/index';

/** A fixed instant `seconds` into 2031, so `updated_at` moves predictably. */
const at = (seconds: number) => new Date(Date.UTC(2031, 0, 1, 0, 0, seconds)).toISOString();

const INPUTS: InputVariable[] = [{ name: 'Text', variable_id: 'text', required: true, schema: { type: 'string' } }];
const step = (step_id: string, output: string): StepDefinition => ({
  type: 'tool',
  step_id,
  tool: { tool_id: 'text_analyzer', name: 'Analyzer' },
  parameter_mappings: { text: 'text' },
  output_mappings: { analysis_results: output },
});
const CONTENT: WorkflowContent = {
  workflow_id: 'wf',
  name: 'wf',
  input_variables: INPUTS,
  steps: [step('analyze', 'result')],
};

forEachDialect('workflow versions', (dialect) => {
  let target: TestStoreConfig;
  let store: OrdoStore;

  beforeEach(async () => {
    target = await testStoreConfig(dialect, 'versions');
    store = await openStore(target.config);
    expect((await store.workflows.create({ ...CONTENT, status: 'PUBLISHED' }, at(0))).ok).toBe(true);
  });

  afterEach(async () => {
    await store.close();
    await target.remove();
  });

  /** A new draft of `wf` with a step of its own, so versions differ. */
  async function draft(output = 'draft_result'): Promise<number> {
    const created = await store.workflows.createVersion('wf', { ...CONTENT, steps: [step('analyze', output)] }, at(1));
    if (!created.ok) throw new Error(`createVersion: ${created.code}`);
    return created.workflow.version;
  }

  async function revisionOf(version: number): Promise<number> {
    return (await store.workflows.getVersion('wf', version))!.revision;
  }

  describe('create and createVersion', () => {
    it('stores version 1 once, and numbers each new draft after the latest version', async () => {
      expect(await store.workflows.create({ ...CONTENT, name: 'other', status: 'DRAFT' }, at(1))).toEqual({
        ok: false,
        code: 'WORKFLOW_EXISTS',
      });
      expect(await draft()).toBe(2);
      expect(await draft()).toBe(3);
      expect(await store.workflows.get('wf', 3)).toMatchObject({
        version: 3,
        status: 'DRAFT',
        steps: [{ output_mappings: { analysis_results: 'draft_result' } }],
      });
      expect(await store.workflows.get('wf')).toMatchObject({ version: 3 });
      expect(await store.workflows.createVersion('wf_none', CONTENT, at(1))).toEqual({
        ok: false,
        code: 'WORKFLOW_NOT_FOUND',
      });
    });

    it('gives two stores creating drafts at once different numbers', async () => {
      const other = await openStore(target.config);
      try {
        const results = await Promise.all([
          store.workflows.createVersion('wf', CONTENT, at(1)),
          other.workflows.createVersion('wf', CONTENT, at(1)),
          store.workflows.createVersion('wf', CONTENT, at(1)),
        ]);
        expect(results.map((r) => (r.ok ? r.workflow.version : r.code)).sort()).toEqual([2, 3, 4]);
      } finally {
        await other.close();
      }
    });
  });

  describe('updateDraft', () => {
    it('replaces a draft at the revision read, and bumps the revision', async () => {
      const version = await draft();
      const before = await revisionOf(version);
      const edited = await store.workflows.updateDraft(
        'wf',
        version,
        { ...CONTENT, name: 'renamed', description: 'now described' },
        before,
        at(2),
      );
      expect(edited).toMatchObject({
        ok: true,
        workflow: { version, status: 'DRAFT', name: 'renamed', description: 'now described', updated_at: at(2) },
      });
      expect(await revisionOf(version)).toBe(before + 1);
    });

    it('refuses a stale revision, a version that is not a draft, and one that does not exist, changing nothing', async () => {
      const version = await draft();
      const stale = await revisionOf(version);
      expect((await store.workflows.updateDraft('wf', version, { ...CONTENT, name: 'first' }, stale, at(2))).ok).toBe(
        true,
      );
      expect(await store.workflows.updateDraft('wf', version, { ...CONTENT, name: 'second' }, stale, at(3))).toEqual({
        ok: false,
        code: 'DRAFT_CHANGED',
      });
      expect((await store.workflows.get('wf', version))?.name).toBe('first');
      expect(
        await store.workflows.updateDraft('wf', 1, { ...CONTENT, name: 'changed' }, await revisionOf(1), at(3)),
      ).toEqual({ ok: false, code: 'NOT_DRAFT', status: 'PUBLISHED' });
      expect((await store.workflows.get('wf', 1))?.name).toBe('wf');
      expect(await store.workflows.updateDraft('wf', 99, CONTENT, 0, at(3))).toEqual({
        ok: false,
        code: 'VERSION_NOT_FOUND',
      });
    });
  });

  describe('publish', () => {
    it('publishes the draft at the revision checked; the latest PUBLISHED version is the one new jobs take', async () => {
      const version = await draft();
      expect((await store.workflows.latestPublished('wf'))?.version).toBe(1);
      const published = await store.workflows.publish('wf', version, await revisionOf(version), at(2));
      expect(published).toMatchObject({ ok: true, workflow: { version, status: 'PUBLISHED', updated_at: at(2) } });
      expect((await store.workflows.latestPublished('wf'))?.version).toBe(version);
      expect(await store.workflows.publish('wf', version, await revisionOf(version), at(3))).toEqual({
        ok: false,
        code: 'NOT_DRAFT',
        status: 'PUBLISHED',
      });
    });

    it('refuses a draft edited or archived after it was checked', async () => {
      const edited = await draft();
      const checked = await revisionOf(edited);
      await store.workflows.updateDraft('wf', edited, { ...CONTENT, name: 'edited meanwhile' }, checked, at(2));
      expect(await store.workflows.publish('wf', edited, checked, at(3))).toEqual({ ok: false, code: 'DRAFT_CHANGED' });
      expect((await store.workflows.get('wf', edited))?.status).toBe('DRAFT');

      const archived = await draft();
      const read = await revisionOf(archived);
      expect((await store.workflows.archive('wf', archived, at(2))).ok).toBe(true);
      expect(await store.workflows.publish('wf', archived, read, at(3))).toEqual({
        ok: false,
        code: 'NOT_DRAFT',
        status: 'ARCHIVED',
      });
      expect((await store.workflows.get('wf', archived))?.status).toBe('ARCHIVED');
      expect(await store.workflows.publish('wf', 99, 0, at(3))).toEqual({ ok: false, code: 'VERSION_NOT_FOUND' });
    });

    it('lets exactly one of a publish and an edit of the same revision, racing from two stores, win', async () => {
      const other = await openStore(target.config);
      try {
        for (let round = 0; round < 5; round++) {
          const version = await draft();
          const revision = await revisionOf(version);
          const [published, edited] = await Promise.all([
            store.workflows.publish('wf', version, revision, at(2)),
            other.workflows.updateDraft('wf', version, { ...CONTENT, name: `edit ${round}` }, revision, at(2)),
          ]);
          expect([published.ok, edited.ok].filter(Boolean), `round ${round}`).toHaveLength(1);
          const stored = await store.workflows.get('wf', version);
          if (published.ok) {
            expect(edited).toEqual({ ok: false, code: 'NOT_DRAFT', status: 'PUBLISHED' });
            expect(stored).toMatchObject({ status: 'PUBLISHED', name: 'wf' });
          } else {
            expect(published).toEqual({ ok: false, code: 'DRAFT_CHANGED' });
            expect(stored).toMatchObject({ status: 'DRAFT', name: `edit ${round}` });
          }
        }
      } finally {
        await other.close();
      }
    });

    it('never leaves a version PUBLISHED after an archive racing its publish from another store', async () => {
      const other = await openStore(target.config);
      try {
        for (let round = 0; round < 5; round++) {
          const version = await draft();
          const revision = await revisionOf(version);
          const [published, archived] = await Promise.all([
            store.workflows.publish('wf', version, revision, at(2)),
            other.workflows.archive('wf', version, at(2)),
          ]);
          // The archive applies to a draft or to the version just published; a publish after it is refused.
          expect(archived.ok, `round ${round}`).toBe(true);
          if (!published.ok) expect(published).toEqual({ ok: false, code: 'NOT_DRAFT', status: 'ARCHIVED' });
          expect((await store.workflows.get('wf', version))?.status).toBe('ARCHIVED');
        }
      } finally {
        await other.close();
      }
    });
  });

  describe('archive', () => {
    it('archives a draft or a published version once', async () => {
      const version = await draft();
      expect(await store.workflows.archive('wf', version, at(2))).toMatchObject({
        ok: true,
        workflow: { version, status: 'ARCHIVED' },
      });
      expect(await store.workflows.archive('wf', 1, at(2))).toMatchObject({
        ok: true,
        workflow: { version: 1, status: 'ARCHIVED' },
      });
      expect(await store.workflows.archive('wf', 1, at(3))).toEqual({ ok: false, code: 'ALREADY_ARCHIVED' });
      expect(await store.workflows.archive('wf', 99, at(3))).toEqual({ ok: false, code: 'VERSION_NOT_FOUND' });
      expect(await store.workflows.latestPublished('wf')).toBeUndefined();
    });
  });

  describe('lists', () => {
    it('lists one version per workflow (the latest, or the latest with a status), by workflow_id, after a cursor', async () => {
      await draft();
      for (const workflow_id of ['wf_a', 'wf_b'])
        await store.workflows.create({ ...CONTENT, workflow_id, status: 'DRAFT' }, at(1));
      const all = await store.workflows.list({ limit: 10 });
      expect(all.map((w) => [w.workflow_id, w.version, w.status])).toEqual([
        ['wf', 2, 'DRAFT'],
        ['wf_a', 1, 'DRAFT'],
        ['wf_b', 1, 'DRAFT'],
      ]);
      expect(all[0]).toEqual({
        workflow_id: 'wf',
        version: 2,
        status: 'DRAFT',
        name: 'wf',
        created_at: at(1),
        updated_at: at(1),
      });
      expect(
        (await store.workflows.list({ status: 'PUBLISHED', limit: 10 })).map((w) => [w.workflow_id, w.version]),
      ).toEqual([['wf', 1]]);
      expect(await store.workflows.list({ status: 'ARCHIVED', limit: 10 })).toEqual([]);
      expect((await store.workflows.list({ limit: 1, after: 'wf' })).map((w) => w.workflow_id)).toEqual(['wf_a']);
    });

    it("lists a workflow's versions newest first, below a cursor", async () => {
      await draft();
      await draft();
      expect((await store.workflows.listVersions('wf', { limit: 10 })).map((v) => v.version)).toEqual([3, 2, 1]);
      expect((await store.workflows.listVersions('wf', { limit: 1, before: 3 })).map((v) => v.version)).toEqual([2]);
      expect(await store.workflows.listVersions('wf_none', { limit: 10 })).toEqual([]);
    });
  });

  describe('jobs.insertIfPublished', () => {
    function job(version: number): JobRecord {
      return {
        job_id: newId('job'),
        workflow_id: 'wf',
        workflow_version: version,
        name: 'job',
        created_at: at(5),
        updated_at: at(5),
        input_variables: INPUTS,
        input_values: {},
        input_errors: { text: 'Text is required' },
        steps: CONTENT.steps,
        output_variables: ['result'],
        correlation_id: 'corr-1',
        context: {},
      };
    }

    it('inserts a job of a PUBLISHED version whole, and none of a draft, an archived or a missing version', async () => {
      const published = job(1);
      expect(await store.jobs.insertIfPublished(published)).toEqual({ ok: true });
      expect(await store.jobs.get(published.job_id)).toEqual(published);

      const draftJob = job(await draft());
      expect(await store.jobs.insertIfPublished(draftJob)).toEqual({
        ok: false,
        code: 'VERSION_NOT_PUBLISHED',
        status: 'DRAFT',
      });
      expect(await store.jobs.get(draftJob.job_id)).toBeUndefined();

      await store.workflows.archive('wf', 1, at(6));
      const late = job(1);
      expect(await store.jobs.insertIfPublished(late)).toEqual({
        ok: false,
        code: 'VERSION_NOT_PUBLISHED',
        status: 'ARCHIVED',
      });
      expect(await store.jobs.get(late.job_id)).toBeUndefined();
      // The job created before the archive is still there.
      expect(await store.jobs.get(published.job_id)).toEqual(published);

      expect(await store.jobs.insertIfPublished(job(99))).toEqual({ ok: false, code: 'VERSION_NOT_FOUND' });
    });
  });
});
