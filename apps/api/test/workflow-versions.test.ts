import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFINITION_RULES, Job, type DefinitionRule } from '@ordo/core';
import type { OrdoStore, WorkflowContent } from '@ordo/storage';
import { seedFile } from '@ordo/testing';
import { createApp } from '../src/index';
import {
  checkedApp,
  getJob,
  json,
  problem,
  sendingTestKey,
  startApiStack,
  TEST_AUTH,
  startJob,
  toolStepDefinition,
  waitForEnd,
  waitForJob,
  type ApiStack,
  type Problem,
} from './harness';

/** A refusal about a workflow version: the problem body with the version's state and the rules broken. */
type VersionProblem = Omit<Problem, 'errors'> & {
  workflow_id?: string;
  version?: number;
  version_status?: string;
  errors?: { field: string; message: string; rule?: string; step_id?: string }[];
};

interface Version {
  workflow_id: string;
  version: number;
  status: string;
  name: string;
  description?: string;
  steps: { step_id: string }[];
  output_variables?: string[];
}

interface Page {
  items: { workflow_id: string; version: number; status: string }[];
  next_cursor: string | null;
}

type Seed = Record<string, unknown> & {
  input_variables: Record<string, unknown>[];
  steps: (Record<string, unknown> & {
    parameter_mappings: Record<string, unknown>;
    output_mappings: Record<string, unknown>;
  })[];
};
const seed = (): Seed => JSON.parse(seedFile('wf_analyze_document.json')) as Seed;

let counter = 0;
/** A workflow_id no other test uses. */
const freshId = (label: string) => `wf_${label}_${++counter}`;

describe('workflow templates and versions over app.request()', () => {
  let stack: ApiStack;
  const req = (path: string, init?: RequestInit) => stack.request(path, init);

  beforeAll(async () => {
    stack = await startApiStack('versions');
  });
  afterAll(async () => stack.stop());

  async function ok<T>(res: Response | Promise<Response>, status = 200): Promise<T> {
    const answer = await res;
    const body = await answer.text();
    expect(answer.status, body).toBe(status);
    return JSON.parse(body) as T;
  }
  const refused = async (res: Response | Promise<Response>, status: number) =>
    (await problem(await res, status)) as VersionProblem;

  /** Creates a workflow from the seed's definition with `patch` applied. */
  async function createWorkflow(patch: Record<string, unknown> = {}, status = 'PUBLISHED'): Promise<Version> {
    const workflow_id = freshId('w');
    return ok<Version>(req('/v1/workflows', json('POST', { ...seed(), ...patch, workflow_id, status })), 201);
  }

  /**
   * The store, with another writer's change landed on the real database just before each call
   * of `repository.method`: the interleaving a concurrent request could produce.
   */
  function meanwhile<R extends 'workflows' | 'jobs'>(
    store: OrdoStore,
    repository: R,
    method: keyof OrdoStore[R],
    change: (...args: never[]) => Promise<void>,
  ): OrdoStore {
    const wrapped = new Proxy(store[repository], {
      get(target, prop, receiver) {
        const value: unknown = Reflect.get(target, prop, receiver);
        if (typeof value !== 'function') return value;
        const bound = (value as (...args: unknown[]) => Promise<unknown>).bind(target);
        if (prop !== method) return bound;
        return async (...args: unknown[]) => {
          await (change as (...a: unknown[]) => Promise<void>)(...args);
          return bound(...args);
        };
      },
    });
    return { ...store, [repository]: wrapped };
  }

  /** An app over `store`, otherwise like the stack's. */
  function appWith(store: OrdoStore) {
    return checkedApp(
      sendingTestKey(
        createApp({
          store,
          temporal: { client: stack.client, taskQueue: stack.taskQueue },
          maxUploadBytes: 1024,
          auth: TEST_AUTH,
        }),
      ),
    );
  }

  describe('POST /v1/workflows', () => {
    it("creates version 1 from the seed's body, PUBLISHED as it asks, with its Location", async () => {
      const workflow_id = freshId('seed');
      const res = await req(
        '/v1/workflows',
        json('POST', seedFile('wf_analyze_document.json').replace('"wf_analyze_document"', `"${workflow_id}"`)),
      );
      const created = await ok<Version>(res, 201);
      expect(created).toMatchObject({ workflow_id, version: 1, status: 'PUBLISHED', name: 'Analyze document' });
      expect(res.headers.get('location')).toBe(`/v1/workflows/${workflow_id}`);
    });

    it('creates a DRAFT without checking it against the tool catalog (only the structural rules run at a save)', async () => {
      const s = seed();
      const created = await createWorkflow(
        { steps: [{ ...s.steps[0], tool: { tool_id: 'not_yet_a_tool', name: 'x' } }] },
        'DRAFT',
      );
      expect(created).toMatchObject({ version: 1, status: 'DRAFT' });
    });

    it('refuses an ARCHIVED start, an existing workflow_id, and a body breaking the schema', async () => {
      const archived = await refused(
        req('/v1/workflows', json('POST', { ...seed(), workflow_id: freshId('a'), status: 'ARCHIVED' })),
        422,
      );
      expect(archived.errors).toEqual([
        { field: 'status', message: 'must be DRAFT or PUBLISHED: a new workflow cannot begin archived' },
      ]);
      const created = await createWorkflow();
      const again = await refused(
        req('/v1/workflows', json('POST', { ...seed(), workflow_id: created.workflow_id })),
        409,
      );
      expect(again.code).toBe('WORKFLOW_EXISTS');
      const bad = await refused(
        req('/v1/workflows', json('POST', { ...seed(), workflow_id: freshId('b'), steps: [] })),
        422,
      );
      expect(bad).toMatchObject({
        code: 'VALIDATION_FAILED',
        errors: [{ field: 'steps', message: 'a workflow needs at least one step' }],
      });
    });
  });

  describe('GET /v1/workflows', () => {
    it('lists one version per workflow, filtered by status, a page at a time', async () => {
      const published = await createWorkflow();
      await ok(req(`/v1/workflows/${published.workflow_id}/versions`, json('POST', { from_version: 1 })), 201);
      const draftOnly = await createWorkflow({}, 'DRAFT');

      const all: Page['items'] = [];
      let cursor: string | null = null;
      do {
        const page: Page = await ok<Page>(req(`/v1/workflows?limit=2${cursor ? `&cursor=${cursor}` : ''}`));
        expect(page.items.length).toBeLessThanOrEqual(2);
        all.push(...page.items);
        cursor = page.next_cursor;
      } while (cursor !== null);
      expect(all.map((w) => w.workflow_id)).toEqual([...all.map((w) => w.workflow_id)].sort());
      expect(all.find((w) => w.workflow_id === published.workflow_id)).toMatchObject({ version: 2, status: 'DRAFT' });
      expect(all.find((w) => w.workflow_id === draftOnly.workflow_id)).toMatchObject({ version: 1, status: 'DRAFT' });
      // Summaries: no definitions in a list.
      expect(Object.keys(all[0]!)).not.toContain('steps');

      const publishedOnly = await ok<Page>(req('/v1/workflows?status=PUBLISHED&limit=200'));
      expect(publishedOnly.items.find((w) => w.workflow_id === published.workflow_id)).toMatchObject({
        version: 1,
        status: 'PUBLISHED',
      });
      expect(publishedOnly.items.map((w) => w.workflow_id)).not.toContain(draftOnly.workflow_id);
      expect(publishedOnly.items.every((w) => w.status === 'PUBLISHED')).toBe(true);
    });

    it('refuses a limit beyond the cap, an unknown status and a cursor it did not make', async () => {
      expect((await refused(req('/v1/workflows?limit=201'), 422)).errors?.[0]?.field).toBe('query.limit');
      expect((await refused(req('/v1/workflows?status=LIVE'), 422)).errors?.[0]?.field).toBe('query.status');
      expect((await refused(req('/v1/workflows?cursor=nonsense'), 422)).errors).toEqual([
        { field: 'query.cursor', message: 'must be a next_cursor returned by GET /v1/workflows' },
      ]);
    });
  });

  describe('GET /v1/workflows/{workflow_id}', () => {
    it('answers the latest version and the version new jobs take', async () => {
      const created = await createWorkflow();
      await ok(req(`/v1/workflows/${created.workflow_id}/versions`, json('POST', { from_version: 1 })), 201);
      expect(await ok(req(`/v1/workflows/${created.workflow_id}`))).toMatchObject({
        version: 2,
        status: 'DRAFT',
        published_version: 1,
      });
      const draft = await createWorkflow({}, 'DRAFT');
      expect(await ok(req(`/v1/workflows/${draft.workflow_id}`))).toMatchObject({
        version: 1,
        published_version: null,
      });
    });

    it('answers 404 for an unknown workflow and 422 for an ID that cannot be one', async () => {
      expect((await refused(req('/v1/workflows/wf_nothing_here'), 404)).code).toBe('NOT_FOUND');
      expect((await refused(req('/v1/workflows/not-an-id'), 422)).errors?.[0]?.field).toBe('param.workflow_id');
    });
  });

  describe('versions: list, get, create', () => {
    it('creates drafts copied from a version with fields replaced, lists them newest first, and gets each', async () => {
      const created = await createWorkflow();
      const id = created.workflow_id;
      const res = await req(
        `/v1/workflows/${id}/versions`,
        json('POST', { from_version: 1, name: 'Second take', description: 'copied' }),
      );
      const v2 = await ok<Version>(res, 201);
      expect(v2).toMatchObject({
        workflow_id: id,
        version: 2,
        status: 'DRAFT',
        name: 'Second take',
        description: 'copied',
        steps: created.steps,
      });
      expect(res.headers.get('location')).toBe(`/v1/workflows/${id}/versions/2`);
      const s = seed();
      const v3 = await ok<Version>(
        req(
          `/v1/workflows/${id}/versions`,
          json('POST', { name: 'Fresh', input_variables: s.input_variables, steps: s.steps }),
        ),
        201,
      );
      expect(v3).toMatchObject({ version: 3, status: 'DRAFT', name: 'Fresh' });

      const first = await ok<Page>(req(`/v1/workflows/${id}/versions?limit=2`));
      expect(first.items.map((v) => [v.version, v.status])).toEqual([
        [3, 'DRAFT'],
        [2, 'DRAFT'],
      ]);
      const rest = await ok<Page>(req(`/v1/workflows/${id}/versions?limit=2&cursor=${first.next_cursor}`));
      expect(rest).toEqual({
        items: [expect.objectContaining({ version: 1, status: 'PUBLISHED' })],
        next_cursor: null,
      });

      expect(await ok(req(`/v1/workflows/${id}/versions/1`))).toMatchObject({
        version: 1,
        status: 'PUBLISHED',
        name: 'Analyze document',
      });
    });

    it('refuses versions of an unknown workflow, an unknown version, a version that is not a number, and a draft missing its definition', async () => {
      const { workflow_id: id } = await createWorkflow();
      expect((await refused(req('/v1/workflows/wf_nothing_here/versions'), 404)).code).toBe('NOT_FOUND');
      expect(
        (await refused(req('/v1/workflows/wf_nothing_here/versions', json('POST', { from_version: 1 })), 404)).code,
      ).toBe('NOT_FOUND');
      expect((await refused(req(`/v1/workflows/${id}/versions/7`), 404)).detail).toBe(
        `workflow '${id}' has no version 7`,
      );
      expect((await refused(req(`/v1/workflows/${id}/versions/first`), 422)).errors?.[0]?.field).toBe('param.version');
      expect((await refused(req(`/v1/workflows/${id}/versions?cursor=x`), 422)).errors?.[0]?.field).toBe(
        'query.cursor',
      );
      const missing = await refused(req(`/v1/workflows/${id}/versions`, json('POST', {})), 422);
      expect(missing.errors).toEqual([
        { field: 'name', message: 'is required unless from_version names a version to copy' },
        { field: 'steps', message: 'is required unless from_version names a version to copy' },
      ]);
      expect(
        (await refused(req(`/v1/workflows/${id}/versions`, json('POST', { from_version: 9 })), 422)).errors,
      ).toEqual([{ field: 'from_version', message: `workflow '${id}' has no version 9` }]);
      const s = seed();
      const broken = await refused(
        req(
          `/v1/workflows/${id}/versions`,
          json('POST', { from_version: 1, steps: [s.steps[0], { ...s.steps[1], step_id: 'step_1' }] }),
        ),
        422,
      );
      expect(broken.errors).toEqual([
        { field: 'steps.1.step_id', message: "duplicate step_id 'step_1'", rule: 'unique_step_ids', step_id: 'step_1' },
      ]);
      expect((await ok<Page>(req(`/v1/workflows/${id}/versions`))).items).toHaveLength(1);
    });
  });

  describe('PATCH /v1/workflows/{workflow_id}/versions/{version}', () => {
    it("edits a draft: the fields given replace the draft's, null removes an optional one", async () => {
      const created = await createWorkflow({ description: 'first', output_variables: ['final_analysis'] }, 'DRAFT');
      const path = `/v1/workflows/${created.workflow_id}/versions/1`;
      const edited = await ok<Version>(
        req(path, json('PATCH', { name: 'Renamed', description: null, output_variables: null })),
      );
      expect(edited).toMatchObject({ version: 1, status: 'DRAFT', name: 'Renamed' });
      expect(edited.description).toBeUndefined();
      expect(edited.output_variables).toBeUndefined();
      expect(edited.steps).toEqual(created.steps);
      expect(await ok(req(path))).toEqual(edited);
    });

    it('refuses a version that is not a draft (naming its status), a broken result, an unknown field and an unknown version', async () => {
      const published = await createWorkflow();
      const p1 = await refused(
        req(`/v1/workflows/${published.workflow_id}/versions/1`, json('PATCH', { name: 'x' })),
        409,
      );
      expect(p1).toMatchObject({
        code: 'WORKFLOW_VERSION_NOT_DRAFT',
        workflow_id: published.workflow_id,
        version: 1,
        version_status: 'PUBLISHED',
      });
      expect((await ok<Version>(req(`/v1/workflows/${published.workflow_id}/versions/1`))).name).toBe(
        'Analyze document',
      );

      const archived = await createWorkflow({}, 'DRAFT');
      await ok(req(`/v1/workflows/${archived.workflow_id}/versions/1/archive`, { method: 'POST' }));
      expect(
        await refused(req(`/v1/workflows/${archived.workflow_id}/versions/1`, json('PATCH', { name: 'x' })), 409),
      ).toMatchObject({ version_status: 'ARCHIVED' });

      const draft = await createWorkflow({}, 'DRAFT');
      const path = `/v1/workflows/${draft.workflow_id}/versions/1`;
      const broken = await refused(req(path, json('PATCH', { output_variables: ['nothing'] })), 422);
      expect(broken.errors).toEqual([
        {
          field: 'output_variables.0',
          message: "output variable 'nothing' is not an input and no step writes it",
          rule: 'output_variables_written',
        },
      ]);
      expect((await refused(req(path, json('PATCH', { status: 'PUBLISHED' })), 422)).errors?.[0]?.field).toBe('(body)');
      expect(
        (await refused(req(`/v1/workflows/${draft.workflow_id}/versions/5`, json('PATCH', { name: 'x' })), 404)).code,
      ).toBe('NOT_FOUND');
      expect((await ok<Version>(req(path))).output_variables).toBeUndefined();
    });
  });

  describe('publish and archive', () => {
    it('publishes a draft once; new jobs then take it', async () => {
      const created = await createWorkflow();
      const id = created.workflow_id;
      await ok(req(`/v1/workflows/${id}/versions`, json('POST', { from_version: 1, name: 'v2' })), 201);
      const published = await ok<Version>(req(`/v1/workflows/${id}/versions/2/publish`, { method: 'POST' }));
      expect(published).toMatchObject({ version: 2, status: 'PUBLISHED', name: 'v2' });
      const again = await refused(req(`/v1/workflows/${id}/versions/2/publish`, { method: 'POST' }), 409);
      expect(again).toMatchObject({ code: 'WORKFLOW_VERSION_NOT_DRAFT', version_status: 'PUBLISHED' });
      const job = await ok<Job>(req('/v1/jobs', json('POST', { workflow_id: id, name: 'takes v2' })), 201);
      expect(job.workflow_version).toBe(2);
      expect((await refused(req(`/v1/workflows/${id}/versions/3/publish`, { method: 'POST' }), 404)).code).toBe(
        'NOT_FOUND',
      );
    });

    it('archives a draft or a published version once; a version archived is not published', async () => {
      const created = await createWorkflow();
      const id = created.workflow_id;
      expect(await ok(req(`/v1/workflows/${id}/versions/1/archive`, { method: 'POST' }))).toMatchObject({
        version: 1,
        status: 'ARCHIVED',
      });
      expect(await refused(req(`/v1/workflows/${id}/versions/1/archive`, { method: 'POST' }), 409)).toMatchObject({
        code: 'WORKFLOW_VERSION_ARCHIVED',
        version_status: 'ARCHIVED',
      });
      await ok(req(`/v1/workflows/${id}/versions`, json('POST', { from_version: 1 })), 201);
      expect(await ok(req(`/v1/workflows/${id}/versions/2/archive`, { method: 'POST' }))).toMatchObject({
        version: 2,
        status: 'ARCHIVED',
      });
      expect(await refused(req(`/v1/workflows/${id}/versions/2/publish`, { method: 'POST' }), 409)).toMatchObject({
        code: 'WORKFLOW_VERSION_NOT_DRAFT',
        version_status: 'ARCHIVED',
      });
      expect((await refused(req(`/v1/workflows/${id}/versions/9/archive`, { method: 'POST' }), 404)).code).toBe(
        'NOT_FOUND',
      );
    });

    it('does not publish a draft archived, or edited, between its check and its write', async () => {
      const archivedMeanwhile = await createWorkflow({}, 'DRAFT');
      const archiving = appWith(
        meanwhile(
          stack.store,
          'workflows',
          'publish',
          async (id: string, version: number) =>
            void (await stack.store.workflows.archive(id, version, new Date().toISOString())),
        ),
      );
      const p1 = await refused(
        archiving.request(`/v1/workflows/${archivedMeanwhile.workflow_id}/versions/1/publish`, { method: 'POST' }),
        409,
      );
      expect(p1).toMatchObject({ code: 'WORKFLOW_VERSION_NOT_DRAFT', version_status: 'ARCHIVED' });
      expect((await stack.store.workflows.get(archivedMeanwhile.workflow_id, 1))?.status).toBe('ARCHIVED');

      const editedMeanwhile = await createWorkflow({}, 'DRAFT');
      const editing = appWith(
        meanwhile(stack.store, 'workflows', 'publish', async (id: string, version: number) => {
          const current = (await stack.store.workflows.getVersion(id, version))!;
          const { version: _v, status: _s, created_at: _c, updated_at: _u, ...content } = current.workflow;
          await stack.store.workflows.updateDraft(
            id,
            version,
            { ...content, name: 'edited meanwhile' } satisfies WorkflowContent,
            current.revision,
            new Date().toISOString(),
          );
        }),
      );
      const p2 = await refused(
        editing.request(`/v1/workflows/${editedMeanwhile.workflow_id}/versions/1/publish`, { method: 'POST' }),
        409,
      );
      expect(p2).toMatchObject({ code: 'WORKFLOW_VERSION_CHANGED', version_status: 'DRAFT' });
      expect(await stack.store.workflows.get(editedMeanwhile.workflow_id, 1)).toMatchObject({
        status: 'DRAFT',
        name: 'edited meanwhile',
      });
    });
  });

  describe('POST /v1/workflows/validate', () => {
    it('answers whether a definition could be published, saving nothing', async () => {
      const id = freshId('v');
      expect(await ok(req('/v1/workflows/validate', json('POST', { ...seed(), workflow_id: id })))).toEqual({
        valid: true,
        errors: [],
        // The stack's worker serves the seed's tools.
        warnings: [],
      });
      const s = seed();
      const unknownTool = await ok(
        req(
          '/v1/workflows/validate',
          json('POST', {
            ...s,
            workflow_id: id,
            steps: [{ ...s.steps[0], tool: { tool_id: 'ocr_magic', name: 'x' } }],
          }),
        ),
      );
      expect(unknownTool).toEqual({
        valid: false,
        errors: [
          {
            field: 'steps.0.tool.tool_id',
            message: expect.stringContaining("unknown tool 'ocr_magic'") as string,
            rule: 'known_tool',
            step_id: 'step_1',
          },
        ],
        warnings: [],
      });
      // Breaking a structural rule, or the schema, is an answer too, not a refusal.
      const duplicate = await ok(
        req(
          '/v1/workflows/validate',
          json('POST', { ...s, workflow_id: id, steps: [s.steps[0], { ...s.steps[1], step_id: 'step_1' }] }),
        ),
      );
      expect(duplicate).toEqual({
        valid: false,
        errors: [
          {
            field: 'steps.1.step_id',
            message: "duplicate step_id 'step_1'",
            rule: 'unique_step_ids',
            step_id: 'step_1',
          },
        ],
        warnings: [],
      });
      const noSteps = await ok<{ valid: boolean; errors: { field: string }[] }>(
        req('/v1/workflows/validate', json('POST', { ...s, workflow_id: id, steps: [] })),
      );
      expect(noSteps).toEqual({
        valid: false,
        errors: [{ field: 'steps', message: 'a workflow needs at least one step' }],
        warnings: [],
      });
      // Any JSON is a definition to check, as the document says: what is not one is named.
      expect(await ok(req('/v1/workflows/validate', json('POST', '5')))).toEqual({
        valid: false,
        errors: [{ field: '(body)', message: expect.stringContaining('expected object') as string }],
        warnings: [],
      });
      const wrongTypes = await ok<{ valid: boolean; errors: { field: string }[] }>(
        req(
          '/v1/workflows/validate',
          json('POST', {
            ...s,
            workflow_id: 7,
            input_variables: [{ name: 'n', variable_id: 'v', schema: { type: false } }],
          }),
        ),
      );
      expect(wrongTypes.errors.map((e) => e.field)).toEqual(['workflow_id', 'input_variables.0.schema']);
      await refused(req(`/v1/workflows/${id}`), 404);
    });

    it('reports every tier at once: a duplicate step_id, an unknown tool and an unmapped required parameter; a create PUBLISHED and a publish refuse with the same list', async () => {
      const s = seed();
      const threeFaults = {
        ...s,
        steps: [
          { ...s.steps[0]!, parameter_mappings: { extraction_mode: 'full' } },
          // Its id is step_1's: its catalog rules still run, by its index.
          { ...s.steps[1]!, step_id: 'step_1', tool: { tool_id: 'ocr_magic', name: 'OCR' } },
        ],
      };
      const expected = [
        { field: 'steps.1.step_id', message: "duplicate step_id 'step_1'", rule: 'unique_step_ids', step_id: 'step_1' },
        {
          field: 'steps.0.parameter_mappings.input_file',
          message: "required parameter 'input_file' of tool 'pdf_extractor' is not mapped",
          rule: 'required_parameters_mapped',
          step_id: 'step_1',
        },
        {
          field: 'steps.1.tool.tool_id',
          message: expect.stringContaining("unknown tool 'ocr_magic'") as string,
          rule: 'known_tool',
          step_id: 'step_1',
        },
      ];
      const id = freshId('tiers');
      expect(await ok(req('/v1/workflows/validate', json('POST', { ...threeFaults, workflow_id: id })))).toEqual({
        valid: false,
        errors: expected,
        warnings: [],
      });
      const direct = await refused(
        req('/v1/workflows', json('POST', { ...threeFaults, workflow_id: id, status: 'PUBLISHED' })),
        422,
      );
      expect(direct).toMatchObject({ code: 'DEFINITION_INVALID', errors: expected });
      await refused(req(`/v1/workflows/${id}`), 404);
      // A draft saved before the structural rule (straight through the repository) is refused the same at publish.
      const created = await createWorkflow();
      const content: Record<string, unknown> = { ...threeFaults, workflow_id: created.workflow_id };
      delete content.status;
      const stored = await stack.store.workflows.createVersion(
        created.workflow_id,
        content as unknown as WorkflowContent,
        new Date().toISOString(),
      );
      expect(stored.ok).toBe(true);
      const published = await refused(
        req(`/v1/workflows/${created.workflow_id}/versions/2/publish`, { method: 'POST' }),
        422,
      );
      expect(published).toMatchObject({ code: 'DEFINITION_INVALID', errors: expected });
      // Saved as a draft, the structural rule alone refuses it, as at every save.
      const draft = await refused(
        req('/v1/workflows', json('POST', { ...threeFaults, workflow_id: id, status: 'DRAFT' })),
        422,
      );
      expect(draft).toMatchObject({ code: 'VALIDATION_FAILED', errors: [expected[0]] });
    });

    it('refuses a body that is not JSON', async () => {
      expect((await refused(req('/v1/workflows/validate', json('POST', '{"steps": [')), 400)).code).toBe(
        'MALFORMED_REQUEST',
      );
      expect(
        (
          await refused(
            req('/v1/workflows/validate', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' }),
            415,
          )
        ).code,
      ).toBe('UNSUPPORTED_MEDIA_TYPE');
    });
  });

  describe('jobs pin a PUBLISHED version', () => {
    it('takes the latest PUBLISHED version, or the one named; refuses a named DRAFT or ARCHIVED one with its status', async () => {
      const created = await createWorkflow();
      const id = created.workflow_id;
      await ok(req(`/v1/workflows/${id}/versions`, json('POST', { from_version: 1 })), 201);
      const latest = await ok<Job>(req('/v1/jobs', json('POST', { workflow_id: id, name: 'latest published' })), 201);
      expect(latest.workflow_version).toBe(1);
      const named = await ok<Job>(
        req('/v1/jobs', json('POST', { workflow_id: id, workflow_version: 1, name: 'named' })),
        201,
      );
      expect(named.workflow_version).toBe(1);

      const draft = await refused(
        req('/v1/jobs', json('POST', { workflow_id: id, workflow_version: 2, name: 'x' })),
        409,
      );
      expect(draft).toMatchObject({
        code: 'WORKFLOW_VERSION_NOT_PUBLISHED',
        workflow_id: id,
        version: 2,
        version_status: 'DRAFT',
      });
      expect(draft.detail).toBe(
        `version 2 of workflow '${id}' is DRAFT; jobs can be created only from a PUBLISHED version`,
      );
      await ok(req(`/v1/workflows/${id}/versions/1/archive`, { method: 'POST' }));
      expect(
        await refused(req('/v1/jobs', json('POST', { workflow_id: id, workflow_version: 1, name: 'x' })), 409),
      ).toMatchObject({ version_status: 'ARCHIVED' });
      const none = await refused(req('/v1/jobs', json('POST', { workflow_id: id, name: 'x' })), 422);
      expect(none).toMatchObject({ code: 'WORKFLOW_NOT_PUBLISHED', errors: [{ field: 'workflow_id' }] });
      expect(
        (await refused(req('/v1/jobs', json('POST', { workflow_id: id, workflow_version: 8, name: 'x' })), 422)).errors,
      ).toEqual([{ field: 'workflow_version', message: `workflow '${id}' version 8 does not exist` }]);
    });
  });

  it('creates no job of a version archived between its choice and the insert', async () => {
    const created = await createWorkflow();
    const id = created.workflow_id;
    const archiving = appWith(
      meanwhile(
        stack.store,
        'jobs',
        'insertIfPublished',
        async (job: Job) =>
          void (await stack.store.workflows.archive(job.workflow_id, job.workflow_version, new Date().toISOString())),
      ),
    );
    const p = await refused(archiving.request('/v1/jobs', json('POST', { workflow_id: id, name: 'too late' })), 409);
    expect(p).toMatchObject({
      code: 'WORKFLOW_VERSION_NOT_PUBLISHED',
      workflow_id: id,
      version: 1,
      version_status: 'ARCHIVED',
    });
    expect((await ok<{ items: unknown[] }>(req(`/v1/jobs?workflow_id=${id}`))).items).toEqual([]);
  });

  describe('definition rules: each one refuses a publish', () => {
    /** The seed's definition with one more step. */
    const withStep = (step: Record<string, unknown>): Seed =>
      ((s) => ({ ...s, steps: [...s.steps, step] }) as Seed)(seed());

    beforeAll(async () => {
      // Targets of sub-workflow steps, stored straight through the repository (as versions
      // published before the sub-workflow rules existed): a leaf, a cycle, and a chain 6 deep.
      const now = new Date().toISOString();
      const leaf = {
        workflow_id: 'sub_leaf',
        name: 'Leaf',
        status: 'PUBLISHED',
        input_variables: [],
        steps: [{ step_id: 'pause', type: 'sys.wait', wait: { duration: '1s' } }],
      };
      const calling = (workflow_id: string, target: string) => ({
        ...leaf,
        workflow_id,
        steps: [{ step_id: 'call', type: 'sys.sub_workflow', sub_workflow: { workflow_id: target, mode: 'SINGLE' } }],
      });
      const stored = [
        leaf,
        calling('sub_loop_a', 'sub_loop_b'),
        calling('sub_loop_b', 'sub_loop_a'),
        ...[1, 2, 3, 4, 5].map((n) => calling(`sub_depth_${n}`, `sub_depth_${n + 1}`)),
        { ...leaf, workflow_id: 'sub_depth_6' },
      ];
      for (const workflow of stored) expect((await stack.store.workflows.create(workflow as never, now)).ok).toBe(true);
      // An external tool with a parameter Ordo fills (an upload URL): required, yet never mapped.
      await stack.store.tools.register(
        {
          tool_id: 'report_writer',
          version: '1.0.0',
          name: 'Report writer',
          description: 'Writes a report and uploads it',
          parameters: {
            type: 'object',
            properties: { text: { type: 'string' }, upload_url: { type: 'string', 'x-ordo-upload-url': true } },
            required: ['text', 'upload_url'],
          },
          outputs: { type: 'object', properties: { report: { type: 'object' } } },
          defaults: {},
          task_queue: 'reports',
          activity_type: 'report_writer',
          builtin: false,
        },
        now,
      );
    });

    /** The seed's definition with one rule broken, and the step the error is in. */
    const broken: Record<DefinitionRule, { definition: () => Seed; step_id?: string }> = {
      unique_step_ids: {
        definition: () => ((s) => ({ ...s, steps: [s.steps[0]!, { ...s.steps[1]!, step_id: 'step_1' }] }))(seed()),
        step_id: 'step_1',
      },
      unique_sequence_numbers: {
        definition: () => ((s) => ({ ...s, steps: [s.steps[0]!, { ...s.steps[1]!, sequence_number: 0 }] }))(seed()),
        step_id: 'step_2',
      },
      unique_variable_ids: {
        definition: () =>
          ((s) => ({ ...s, input_variables: [...s.input_variables, { ...s.input_variables[1], name: 'again' }] }))(
            seed(),
          ),
      },
      defaults_match_schema: {
        definition: () =>
          ((s) => ({ ...s, input_variables: [s.input_variables[0]!, { ...s.input_variables[1], default: 'deep' }] }))(
            seed(),
          ),
      },
      inputs_read_only: {
        definition: () =>
          ((s) => ({
            ...s,
            steps: [{ ...s.steps[0]!, output_mappings: { extracted_text: 'input_doc' } }, s.steps[1]!],
          }))(seed()),
        step_id: 'step_1',
      },
      reads_available_variables: {
        definition: () =>
          ((s) => ({
            ...s,
            steps: [
              { ...s.steps[1]!, sequence_number: 0 },
              { ...s.steps[0]!, sequence_number: 1 },
            ],
          }))(seed()),
        step_id: 'step_2',
      },
      output_variables_written: { definition: () => ({ ...seed(), output_variables: ['nothing'] }) },
      known_tool: {
        definition: () =>
          ((s) => ({ ...s, steps: [{ ...s.steps[0]!, tool: { tool_id: 'ocr_magic', name: 'OCR' } }, s.steps[1]!] }))(
            seed(),
          ),
        step_id: 'step_1',
      },
      known_tool_version: {
        definition: () =>
          ((s) => ({
            ...s,
            steps: [{ ...s.steps[0]!, tool: { ...(s.steps[0]!.tool as object), version: '99.0.0' } }, s.steps[1]!],
          }))(seed()),
        step_id: 'step_1',
      },
      required_parameters_mapped: {
        definition: () =>
          ((s) => ({
            ...s,
            steps: [{ ...s.steps[0]!, parameter_mappings: { extraction_mode: 'full' } }, s.steps[1]!],
          }))(seed()),
        step_id: 'step_1',
      },
      known_parameters: {
        definition: () =>
          ((s) => ({
            ...s,
            steps: [
              { ...s.steps[0]!, parameter_mappings: { ...s.steps[0]!.parameter_mappings, colour: 'red' } },
              s.steps[1]!,
            ],
          }))(seed()),
        step_id: 'step_1',
      },
      ordo_filled_parameter: {
        // Mapping `upload_url` is refused; not mapping it, though the schema requires it, is fine.
        definition: () =>
          withStep({
            step_id: 'report',
            type: 'tool',
            tool: { tool_id: 'report_writer', name: 'Report' },
            parameter_mappings: { text: 'document_text', upload_url: 'https://elsewhere.example/upload' },
            output_mappings: {},
          }),
        step_id: 'report',
      },
      known_outputs: {
        definition: () =>
          ((s) => ({ ...s, steps: [{ ...s.steps[0]!, output_mappings: { words: 'document_text' } }, s.steps[1]!] }))(
            seed(),
          ),
        step_id: 'step_1',
      },
      literal_parameters_match_schema: {
        definition: () =>
          ((s) => ({
            ...s,
            steps: [
              { ...s.steps[0]!, parameter_mappings: { input_file: 'input_doc', extraction_mode: 'bogus' } },
              s.steps[1]!,
            ],
          }))(seed()),
        step_id: 'step_1',
      },
      expressions_parse: {
        definition: () =>
          ((s) => ({
            ...s,
            steps: [
              s.steps[0]!,
              { ...s.steps[1]!, parameter_mappings: { text: { expr: 'document_text &' }, analysis_level: 'depth' } },
            ],
          }))(seed()),
        step_id: 'step_2',
      },
      confirm_schema_is_object: {
        definition: () =>
          ((s) =>
            ({
              ...s,
              steps: [
                ...s.steps,
                {
                  step_id: 'approve',
                  type: 'sys.human_confirm',
                  confirm: { prompt: 'OK?', schema: { type: 'string' } },
                },
              ],
            }) as Seed)(seed()),
        step_id: 'approve',
      },
      wait_until_is_time: {
        definition: () =>
          ((s) =>
            ({
              ...s,
              steps: [...s.steps, { step_id: 'later', type: 'sys.wait', wait: { until: 'tomorrow' } }],
            }) as Seed)(seed()),
        step_id: 'later',
      },
      batch_iterable: {
        definition: () =>
          withStep({
            step_id: 'fan',
            type: 'sys.sub_workflow',
            sub_workflow: { workflow_id: 'sub_leaf', mode: 'BATCH' },
          }),
        step_id: 'fan',
      },
      batch_concurrency_in_range: {
        definition: () =>
          withStep({
            step_id: 'fan',
            type: 'sys.sub_workflow',
            sub_workflow: { workflow_id: 'sub_leaf', mode: 'BATCH', iterable: { const: [1] }, max_concurrency: 500 },
          }),
        step_id: 'fan',
      },
      sub_workflow_published: {
        definition: () =>
          withStep({
            step_id: 'child',
            type: 'sys.sub_workflow',
            sub_workflow: { workflow_id: 'sub_nowhere', mode: 'SINGLE' },
          }),
        step_id: 'child',
      },
      sub_workflow_no_cycle: {
        definition: () =>
          withStep({
            step_id: 'child',
            type: 'sys.sub_workflow',
            sub_workflow: { workflow_id: 'sub_loop_a', mode: 'SINGLE' },
          }),
        step_id: 'child',
      },
      sub_workflow_depth: {
        definition: () =>
          withStep({
            step_id: 'child',
            type: 'sys.sub_workflow',
            sub_workflow: { workflow_id: 'sub_depth_1', mode: 'SINGLE' },
          }),
        step_id: 'child',
      },
      parameter_types_compatible: {
        // analysis_depth may be "deep", which text_analyzer's analysis_level does not accept.
        definition: () =>
          ((s) => ({
            ...s,
            input_variables: [
              s.input_variables[0]!,
              { ...s.input_variables[1], schema: { type: 'string', enum: ['basic', 'deep'] } },
            ],
          }))(seed()),
        step_id: 'step_2',
      },
    };

    it('has a case for every rule, and a line for every rule in docs/workflow-versions.md', () => {
      expect(Object.keys(broken).sort()).toEqual(Object.keys(DEFINITION_RULES).sort());
      const readme = readFileSync(new URL('../../../docs/workflow-versions.md', import.meta.url), 'utf8');
      const undocumented = Object.keys(DEFINITION_RULES).filter(
        (rule) => !new RegExp(`^\\| \`${rule}\` \\|`, 'm').test(readme),
      );
      expect(undocumented).toEqual([]);
    });

    const catalogRules = (Object.keys(DEFINITION_RULES) as DefinitionRule[]).filter(
      (rule) => DEFINITION_RULES[rule] === 'publish',
    );
    const structuralRules = (Object.keys(DEFINITION_RULES) as DefinitionRule[]).filter(
      (rule) => DEFINITION_RULES[rule] === 'save',
    );

    it.each(catalogRules)(
      '%s: a draft saves, its publish is refused with the rule, and it stays a draft',
      async (rule) => {
        const created = await createWorkflow(broken[rule].definition(), 'DRAFT');
        const path = `/v1/workflows/${created.workflow_id}/versions/1`;
        const p = await refused(req(`${path}/publish`, { method: 'POST' }), 422);
        expect(p.code).toBe('DEFINITION_INVALID');
        expect(p.errors?.map((e) => e.rule)).toEqual([rule]);
        expect(p.errors?.[0]?.step_id).toBe(broken[rule].step_id);
        expect((await ok<Version>(req(path))).status).toBe('DRAFT');
        // Created PUBLISHED, the same rule refuses it.
        const direct = await refused(
          req(
            '/v1/workflows',
            json('POST', { ...broken[rule].definition(), workflow_id: freshId('direct'), status: 'PUBLISHED' }),
          ),
          422,
        );
        expect(direct.errors?.map((e) => e.rule)).toEqual([rule]);
      },
    );

    it.each(structuralRules)(
      '%s: refused at every save, and a version saved before the rule is refused at publish',
      async (rule) => {
        const definition = broken[rule].definition();
        const saved = await refused(
          req('/v1/workflows', json('POST', { ...definition, workflow_id: freshId('save'), status: 'DRAFT' })),
          422,
        );
        expect(saved.code).toBe('VALIDATION_FAILED');
        expect(saved.errors?.map((e) => e.rule)).toContain(rule);
        expect(saved.errors?.find((e) => e.rule === rule)?.step_id).toBe(broken[rule].step_id);

        // A version stored without the rule (as one saved before it existed), straight through the repository.
        const created = await createWorkflow();
        const content: Record<string, unknown> = { ...definition, workflow_id: created.workflow_id };
        delete content.status;
        const stored = await stack.store.workflows.createVersion(
          created.workflow_id,
          content as unknown as WorkflowContent,
          new Date().toISOString(),
        );
        expect(stored.ok).toBe(true);
        const p = await refused(
          req(`/v1/workflows/${created.workflow_id}/versions/2/publish`, { method: 'POST' }),
          422,
        );
        expect(p.code).toBe('DEFINITION_INVALID');
        expect(p.errors?.map((e) => e.rule)).toContain(rule);
        expect((await ok<Version>(req(`/v1/workflows/${created.workflow_id}/versions/2`))).status).toBe('DRAFT');
      },
    );
  });
});

describe('versions end to end with the real worker', () => {
  let stack: ApiStack;
  const req = (path: string, init?: RequestInit) => stack.request(path, init);

  beforeAll(async () => {
    stack = await startApiStack('versions-e2e');
  });
  afterAll(async () => stack.stop());

  /** A job of `workflowId` (its latest PUBLISHED version unless `version`). */
  async function newJob(workflowId: string, version?: number): Promise<Job> {
    const res = await req(
      '/v1/jobs',
      json('POST', {
        workflow_id: workflowId,
        name: 'e2e',
        ...(version !== undefined && { workflow_version: version }),
      }),
    );
    expect(res.status, await res.clone().text()).toBe(201);
    return Job.parse(await res.json());
  }

  it('an archived version refuses new jobs while a running job of it completes', async () => {
    const id = 'wf_archive_e2e';
    const created = await req(
      '/v1/workflows',
      json('POST', {
        workflow_id: id,
        name: 'Archive while running',
        status: 'PUBLISHED',
        steps: [
          toolStepDefinition('wait', 'sleep', { ms: 2000 }, { slept_ms: 'slept' }),
          toolStepDefinition('emit', 'noop', { value: 'done' }, { value: 'result' }),
        ],
      }),
    );
    expect(created.status, await created.clone().text()).toBe(201);
    const job = await newJob(id);
    await startJob(stack, job.job_id);
    await waitForJob(stack, job.job_id, (j) => j.status === 'RUNNING' && j.steps[0]?.status === 'RUNNING');

    expect((await req(`/v1/workflows/${id}/versions/1/archive`, { method: 'POST' })).status).toBe(200);
    const named = (await problem(
      await req('/v1/jobs', json('POST', { workflow_id: id, workflow_version: 1, name: 'late' })),
      409,
    )) as Problem & { version_status?: string };
    expect(named).toMatchObject({ code: 'WORKFLOW_VERSION_NOT_PUBLISHED', version_status: 'ARCHIVED' });
    expect((await problem(await req('/v1/jobs', json('POST', { workflow_id: id, name: 'late' })), 422)).code).toBe(
      'WORKFLOW_NOT_PUBLISHED',
    );
    // The job created before the archive can still be read and runs to its end.
    expect((await getJob(stack, job.job_id)).status).toBe('RUNNING');
    const ended = await waitForEnd(stack, job.job_id);
    expect(ended).toMatchObject({ status: 'COMPLETED', workflow_version: 1, output_data: { result: 'done' } });
  });

  it("a job pinned to version 1 runs version 1's steps after version 2 is published", async () => {
    const id = 'wf_pinned_e2e';
    const v1Steps = [
      toolStepDefinition('wait_v1', 'sleep', { ms: 1500 }, { slept_ms: 'slept' }),
      toolStepDefinition('emit_v1', 'noop', { value: 'from version 1' }, { value: 'result' }),
    ];
    const v2Steps = [
      toolStepDefinition('emit_v2', 'noop', { value: 'from version 2' }, { value: 'result' }),
      toolStepDefinition('extra_v2', 'noop', { value: 'only in 2' }, { value: 'extra' }),
    ];
    expect(
      (
        await req(
          '/v1/workflows',
          json('POST', {
            workflow_id: id,
            name: 'Pinned',
            status: 'PUBLISHED',
            steps: v1Steps,
            output_variables: ['result'],
          }),
        )
      ).status,
    ).toBe(201);

    const running = await newJob(id); // started before version 2 exists
    const waiting = await newJob(id); // created from version 1, started only after version 2 is published
    await startJob(stack, running.job_id);
    await waitForJob(stack, running.job_id, (j) => j.status === 'RUNNING');

    const v2 = await req(`/v1/workflows/${id}/versions`, json('POST', { from_version: 1, steps: v2Steps }));
    expect(v2.status, await v2.clone().text()).toBe(201);
    expect((await req(`/v1/workflows/${id}/versions/2/publish`, { method: 'POST' })).status).toBe(200);
    const fresh = await newJob(id);
    expect(fresh.workflow_version).toBe(2);

    await startJob(stack, waiting.job_id);
    await startJob(stack, fresh.job_id);
    const [ranRunning, ranWaiting, ranFresh] = await Promise.all(
      [running, waiting, fresh].map((j) => waitForEnd(stack, j.job_id)),
    );
    for (const pinned of [ranRunning!, ranWaiting!]) {
      expect(pinned).toMatchObject({
        status: 'COMPLETED',
        workflow_version: 1,
        output_data: { result: 'from version 1' },
      });
      expect(pinned.steps.map((s) => [s.step_id, s.status])).toEqual([
        ['wait_v1', 'COMPLETED'],
        ['emit_v1', 'COMPLETED'],
      ]);
    }
    expect(ranFresh).toMatchObject({
      status: 'COMPLETED',
      workflow_version: 2,
      output_data: { result: 'from version 2' },
    });
    expect(ranFresh!.steps.map((s) => s.step_id)).toEqual(['emit_v2', 'extra_v2']);
  });
});
