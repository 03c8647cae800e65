import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RegisteredTool } from '@ordo/core';
import { registerBuiltinTools, ToolRegistrationConflict } from '@ordo/storage';
import { TEST_API_KEY } from '@ordo/testing';
import { TOOL_DESCRIPTORS } from '@ordo/tools';
import { createJob, json, problem, startApiStack, startJob, toolStepDefinition, type ApiStack } from './harness';

const VIEWER_KEY = 'viewer_key_0123456789abcdefghij';
const OPERATOR_KEY = 'operator_key_0123456789abcdefghij';
const as = (key: string, init: RequestInit = {}): RequestInit => ({
  ...init,
  headers: { ...(init.headers as Record<string, string> | undefined), authorization: `Bearer ${key}` },
});

interface Tool extends RegisteredTool {
  versions: { version: string; deprecated: boolean; registered_at: string }[];
}

/** A registration body: a tool served elsewhere, taking a number and giving a list. */
const registration = (overrides: Record<string, unknown> = {}) => ({
  version: '1.0.0',
  name: 'CSV profiler',
  description: 'Profiles a CSV file',
  parameters: {
    type: 'object',
    properties: { rows: { type: 'number' }, mode: { enum: ['fast', 'full'] } },
    required: ['rows'],
  },
  outputs: { type: 'object', properties: { columns: { type: 'array', items: { type: 'string' } } } },
  task_queue: 'team-data',
  ...overrides,
});

/** The definition rules a 422 names. */
const rulesOf = (body: { errors?: { field: string }[] }) =>
  (body.errors as { rule?: string }[] | undefined)?.map((e) => e.rule);

describe('the tool catalog over the API, stored in the database', () => {
  let stack: ApiStack;
  const req = (path: string, init?: RequestInit) => stack.app.request(path, init);
  let n = 0;
  const freshTool = () => `csv_profiler_${++n}`;

  /** Whether the catalog table holds any version of `toolId`. */
  const stored = async (toolId: string) => (await stack.store.tools.versions(toolId)).length;

  beforeAll(async () => {
    // No worker: the stack registers the built-in and test tools as a worker does at its start.
    stack = await startApiStack('tools-catalog', {
      worker: false,
      // The test key bare (admin, as before scopes), and one key of each lesser scope.
      deps: {
        auth: {
          keys: [TEST_API_KEY, { key: VIEWER_KEY, scope: 'viewer' }, { key: OPERATOR_KEY, scope: 'operator' }],
        },
      },
    });
  });
  afterAll(async () => stack.stop());

  it("lists the built-in tools the worker registered, on the worker's task queue", async () => {
    const res = await req('/v1/tools');
    expect(res.status).toBe(200);
    const { items } = (await res.json()) as { items: Tool[] };
    const pdf = items.find((t) => t.tool_id === 'pdf_extractor');
    expect(pdf).toMatchObject({
      task_queue: stack.taskQueue,
      activity_type: 'pdf_extractor',
      deprecated: false,
      versions: [{ version: pdf?.version, deprecated: false }],
    });
  });

  it('registers a worker again: idempotent, another task queue kept as noted, a changed contract under an old version refused', async () => {
    expect(await registerBuiltinTools(stack.store, TOOL_DESCRIPTORS, stack.taskQueue)).toEqual({ servedElsewhere: [] });
    const pdf = TOOL_DESCRIPTORS.find((t) => t.tool_id === 'pdf_extractor')!;
    expect(await registerBuiltinTools(stack.store, [pdf], 'other-queue')).toEqual({
      servedElsewhere: [`pdf_extractor ${pdf.version} (${stack.taskQueue})`],
    });
    await expect(
      registerBuiltinTools(stack.store, [{ ...pdf, description: 'changed' }], stack.taskQueue),
    ).rejects.toThrow(ToolRegistrationConflict);
  });

  it('registers a new version (201), the same contract again (200, unchanged), and refuses another contract (409 naming the fields)', async () => {
    const toolId = freshTool();
    const created = await req(`/v1/tools/${toolId}`, json('PUT', registration({ defaults: { timeout_seconds: 30 } })));
    expect(created.status).toBe(201);
    const tool = (await created.json()) as RegisteredTool;
    expect(tool).toMatchObject({
      tool_id: toolId,
      version: '1.0.0',
      task_queue: 'team-data',
      activity_type: toolId,
      defaults: { timeout_seconds: 30 },
      deprecated: false,
    });

    const again = await req(`/v1/tools/${toolId}`, json('PUT', registration({ defaults: { timeout_seconds: 30 } })));
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual(tool);

    const conflict = await problem(
      await req(`/v1/tools/${toolId}`, json('PUT', registration({ task_queue: 'elsewhere', name: 'Renamed' }))),
      409,
    );
    expect(conflict.code).toBe('TOOL_VERSION_CONFLICT');
    expect(conflict.errors?.map((e) => e.field)).toEqual(['name', 'task_queue', 'defaults']);
    const read = await req(`/v1/tools/${toolId}/versions/1.0.0`);
    // With who serves it (tool-liveness.test.ts).
    expect(await read.json()).toEqual({ ...tool, workers: expect.objectContaining({ task_queue: 'team-data' }) });
  });

  it('keeps versions side by side; lists the newest not deprecated, and deprecating moves it back', async () => {
    const toolId = freshTool();
    for (const version of ['1.0.0', '2.0.0', '1.5.0'])
      expect((await req(`/v1/tools/${toolId}`, json('PUT', registration({ version })))).status).toBe(201);
    const listed = async () =>
      ((await (await req('/v1/tools')).json()) as { items: Tool[] }).items.find((t) => t.tool_id === toolId);
    expect((await listed())?.version).toBe('2.0.0');
    expect((await listed())?.versions.map((v) => v.version)).toEqual(['2.0.0', '1.5.0', '1.0.0']);

    const deprecated = await req(`/v1/tools/${toolId}/versions/2.0.0/deprecate`, { method: 'POST' });
    expect(deprecated.status).toBe(200);
    expect(await deprecated.json()).toMatchObject({ version: '2.0.0', deprecated: true });
    expect((await listed())?.version).toBe('1.5.0');
    const one = (await (await req(`/v1/tools/${toolId}`)).json()) as Tool;
    expect(one.version).toBe('1.5.0');
    expect(one.versions[0]).toMatchObject({ version: '2.0.0', deprecated: true });

    await problem(await req(`/v1/tools/${toolId}/versions/9.0.0/deprecate`, { method: 'POST' }), 404);
    await problem(await req(`/v1/tools/${toolId}/versions/9.0.0`), 404);
    await problem(await req('/v1/tools/no_such_tool'), 404);
  });

  it('publishes workflows against the registered schemas: an external tool is known, its rules apply', async () => {
    const toolId = freshTool();
    expect((await req(`/v1/tools/${toolId}`, json('PUT', registration()))).status).toBe(201);
    const definition = (parameter_mappings: Record<string, unknown>) => ({
      workflow_id: `wf_${toolId}_${++n}`,
      name: 'profile',
      status: 'PUBLISHED',
      input_variables: [{ name: 'Rows', variable_id: 'rows', required: true, schema: { type: 'number' } }],
      steps: [
        { ...toolStepDefinition('profile', toolId, parameter_mappings), output_mappings: { columns: 'columns' } },
      ],
    });
    const published = await req('/v1/workflows', json('POST', definition({ rows: 'rows' })));
    expect(published.status, await published.clone().text()).toBe(201);

    const wrong = await problem(
      await req('/v1/workflows', json('POST', definition({ rows: 'rows', mode: 'slow' }))),
      422,
    );
    expect(rulesOf(wrong)).toContain('literal_parameters_match_schema');
    const missing = await problem(await req('/v1/workflows', json('POST', definition({}))), 422);
    expect(rulesOf(missing)).toContain('required_parameters_mapped');
  });

  it('pins the tool version a publish checked against: a later incompatible version changes neither the published steps nor their run defaults', async () => {
    const toolId = freshTool();
    const v1 = registration({ defaults: { timeout_seconds: 30 } });
    expect((await req(`/v1/tools/${toolId}`, json('PUT', v1))).status).toBe(201);
    const steps = (tool: Record<string, unknown> = {}) => [
      {
        ...toolStepDefinition('profile', toolId, { rows: 'rows' }),
        tool: { tool_id: toolId, name: 'profile', ...tool },
      },
    ];
    const inputs = [{ name: 'Rows', variable_id: 'rows', required: true, schema: { type: 'number' } }];
    const definition = (tool?: Record<string, unknown>) => ({
      workflow_id: `wf_${toolId}_${++n}`,
      name: 'profile',
      status: 'PUBLISHED',
      input_variables: inputs,
      steps: steps(tool),
    });
    // Created PUBLISHED, and a draft published: both store the version they were checked against.
    const created = await req('/v1/workflows', json('POST', definition()));
    expect(created.status, await created.clone().text()).toBe(201);
    const direct = (await created.json()) as { workflow_id: string; steps: { tool: { version?: string } }[] };
    expect(direct.steps[0]?.tool.version).toBe('1.0.0');
    const draft = { ...definition(), status: 'DRAFT' };
    expect((await req('/v1/workflows', json('POST', draft))).status).toBe(201);
    const publish = await req(`/v1/workflows/${draft.workflow_id}/versions/1/publish`, { method: 'POST' });
    expect(publish.status, await publish.clone().text()).toBe(200);
    expect(((await publish.json()) as typeof direct).steps[0]?.tool.version).toBe('1.0.0');

    // Version 2 takes its rows as a string, with other defaults: new publishes are checked against it…
    const v2 = registration({
      version: '2.0.0',
      parameters: { type: 'object', properties: { rows: { type: 'string' } }, required: ['rows'] },
      defaults: { timeout_seconds: 99 },
    });
    expect((await req(`/v1/tools/${toolId}`, json('PUT', v2))).status).toBe(201);
    const newer = await problem(await req('/v1/workflows', json('POST', definition())), 422);
    expect(rulesOf(newer)).toEqual(['parameter_types_compatible']);
    expect((await req('/v1/workflows', json('POST', definition({ version: '1.0.0' })))).status).toBe(201);
    // …while the published versions keep version 1, and a job's run is handed version 1's defaults.
    const again = (await (await req(`/v1/workflows/${direct.workflow_id}/versions/1`)).json()) as typeof direct;
    expect(again.steps[0]?.tool.version).toBe('1.0.0');
    const job = await createJob(stack, { input_variables: inputs, steps: steps({ version: '1.0.0' }) }, { rows: 3 });
    await startJob(stack, job.job_id);
    const history = await stack.client.workflow.getHandle(job.job_id).fetchHistory();
    const payload = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0]?.data;
    const input = JSON.parse(Buffer.from(payload!).toString('utf8')) as {
      prepared?: { first: { tools: Record<string, unknown> } };
    };
    // Version 1's defaults, and where its steps go: the tool's own task queue (it is external).
    expect(input.prepared?.first.tools).toEqual({
      [`${toolId}@1.0.0`]: {
        timeout_seconds: 30,
        dispatch: {
          tool_id: toolId,
          version: '1.0.0',
          task_queue: 'team-data',
          activity_type: toolId,
          filled_parameters: [],
        },
      },
    });
    await stack.client.workflow.getHandle(job.job_id).terminate('test over');

    // Deprecated, version 1 can no longer be newly pinned; what pinned it still makes jobs.
    expect((await req(`/v1/tools/${toolId}/versions/1.0.0/deprecate`, { method: 'POST' })).status).toBe(200);
    const deprecated = await problem(await req('/v1/workflows', json('POST', definition({ version: '1.0.0' }))), 422);
    expect(deprecated.errors).toEqual([
      expect.objectContaining({ field: 'steps.0.tool.version', rule: 'known_tool_version', step_id: 'profile' }),
    ]);
    const jobOfPinned = await req('/v1/jobs', json('POST', { workflow_id: direct.workflow_id, name: 'still runs' }));
    expect(jobOfPinned.status).toBe(201);
  });

  it('refuses a step naming a tool version that does not exist (422 known_tool_version), writing nothing', async () => {
    const workflowId = `wf_missing_version_${++n}`;
    const body = {
      workflow_id: workflowId,
      name: 'missing',
      status: 'PUBLISHED',
      input_variables: [],
      steps: [{ step_id: 'noop', tool: { tool_id: 'noop', name: 'noop', version: '99.0.0' } }],
    };
    const refused = await problem(await req('/v1/workflows', json('POST', body)), 422);
    expect(refused.errors).toEqual([
      expect.objectContaining({ field: 'steps.0.tool.version', rule: 'known_tool_version', step_id: 'noop' }),
    ]);
    expect((await req(`/v1/workflows/${workflowId}`)).status).toBe(404);
  });

  describe('refuses bad registrations with a 422 naming the field and rule, writing nothing', () => {
    const cases: [string, string, Record<string, unknown>, string][] = [
      ['parameters not JSON Schema', 'ok_tool', { parameters: { type: 'objekt' } }, 'parameters'],
      [
        'outputs not JSON Schema',
        'ok_tool',
        { outputs: { type: 'object', properties: { a: { minimum: 'x' } } } },
        'outputs',
      ],
      [
        'a $ref to nowhere',
        'ok_tool',
        { parameters: { type: 'object', properties: { a: { $ref: '#/$defs/none' } } } },
        'parameters',
      ],
      ['parameters not an object schema', 'ok_tool', { parameters: { type: 'string' } }, 'parameters'],
      ['outputs without a type', 'ok_tool', { outputs: {} }, 'outputs'],
      ['an empty task queue', 'ok_tool', { task_queue: '' }, 'task_queue'],
      ['a task queue too long', 'ok_tool', { task_queue: 'q'.repeat(201) }, 'task_queue'],
      ['a version that is not semver', 'ok_tool', { version: '1.0' }, 'version'],
      ['a version with a v', 'ok_tool', { version: 'v1.0.0' }, 'version'],
      ['an unknown field', 'ok_tool', { owner: 'me' }, '(body)'],
      ['a system step type', 'sys.wait', {}, 'param.tool_id'],
      ['the sys prefix', 'sys_custom', {}, 'param.tool_id'],
      ['a tool_id that is not an identifier', 'bad-tool', {}, 'param.tool_id'],
    ];
    for (const [name, toolId, overrides, field] of cases)
      it(name, async () => {
        const refused = await problem(await req(`/v1/tools/${toolId}`, json('PUT', registration(overrides))), 422);
        expect(refused.errors?.map((e) => e.field)).toContain(field);
        expect(await stored(toolId)).toBe(0);
      });
  });

  describe('key scopes', () => {
    it('lets a viewer read, an operator write workflows and jobs, and only an admin change the catalog (403 naming the scope)', async () => {
      const toolId = freshTool();
      expect((await req('/v1/tools', as(VIEWER_KEY))).status).toBe(200);
      for (const key of [VIEWER_KEY, OPERATOR_KEY]) {
        const refused = await problem(await req(`/v1/tools/${toolId}`, as(key, json('PUT', registration()))), 403);
        expect(refused.code).toBe('FORBIDDEN');
        expect(refused.errors?.[0]).toMatchObject({ field: 'authorization' });
        expect(refused.detail).toContain('admin');
        await problem(await req('/v1/tools/pdf_extractor/versions/1.0.0/deprecate', as(key, { method: 'POST' })), 403);
      }
      expect(await stored(toolId)).toBe(0);
      const viewerWrite = await problem(await req('/v1/workflows/validate', as(VIEWER_KEY, json('POST', {}))), 403);
      expect(viewerWrite.detail).toContain('operator');
      expect((await req('/v1/workflows/validate', as(OPERATOR_KEY, json('POST', {})))).status).toBe(200);
      expect((await req(`/v1/tools/${toolId}`, json('PUT', registration()))).status).toBe(201);
    });

    it('declares each route’s scope in the OpenAPI document', async () => {
      const doc = (await (await req('/openapi.json')).json()) as {
        paths: Record<string, Record<string, { security?: unknown[]; 'x-ordo-scope'?: string; responses: object }>>;
      };
      const scopes: Record<string, string | undefined> = {};
      for (const [path, item] of Object.entries(doc.paths))
        for (const [method, operation] of Object.entries(item)) {
          const open = Array.isArray(operation.security) && operation.security.length === 0;
          if (!open) expect(operation['x-ordo-scope'], `${method} ${path}`).toMatch(/^(viewer|operator|admin)$/);
          scopes[`${method.toUpperCase()} ${path}`] = operation['x-ordo-scope'];
        }
      expect(scopes).toMatchObject({
        'PUT /v1/tools/{tool_id}': 'admin',
        'POST /v1/tools/{tool_id}/versions/{version}/deprecate': 'admin',
        'GET /v1/tools': 'viewer',
        'POST /v1/jobs': 'operator',
        'POST /v1/workflows': 'operator',
      });
      expect(Object.keys(doc.paths['/v1/tools/{tool_id}']!.put!.responses)).toContain('403');
    });
  });
});
