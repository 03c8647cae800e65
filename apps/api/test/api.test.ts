import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { ExecutionState, Job, type JobSummary, type ToolDescriptor } from '@ordo/core';
import { makePdf, pollUntil, seedFile } from '@ordo/testing';
import { json, problem, startApiStack, upload, type ApiStack } from './harness';

describe('Ordo API over app.request() with a real store and Temporal', () => {
  let stack: ApiStack;
  const req = (path: string, init?: RequestInit) => stack.app.request(path, init);

  beforeAll(async () => {
    stack = await startApiStack('api');
    expect((await req('/v1/workflows', json('POST', seedFile('wf_analyze_document.json')))).status).toBe(201);
  });
  afterAll(async () => stack.stop());

  async function createSeedJob(): Promise<Job> {
    const res = await req('/v1/jobs', json('POST', seedFile('create-job-request.json')));
    expect(res.status).toBe(201);
    return Job.parse(await res.json());
  }

  async function uploadPdf(lines: string[]): Promise<{ file_id: string; name: string }> {
    const res = await req('/v1/files', upload(await makePdf([lines]), 'report.pdf'));
    expect(res.status).toBe(201);
    return (await res.json()) as { file_id: string; name: string };
  }

  it('answers /health (liveness) and /ready with the database, Temporal and a polling worker checked, without a key', async () => {
    const res = await req('/health', { headers: { authorization: '' } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
    // The stack's worker polls from its start; Temporal may take a moment to list it.
    const ready = await pollUntil(
      () => Promise.resolve(req('/ready', { headers: { authorization: '' } })),
      (r) => r.status === 200,
      { timeoutMs: 30_000, intervalMs: 500 },
    );
    expect(await ready.json()).toEqual({ status: 'ready', checks: { database: 'ok', temporal: 'ok', worker: 'ok' } });
  });

  it('serves an OpenAPI 3.1 document generated from the routes, with the Problem component', async () => {
    const res = await req('/openapi.json');
    expect(res.status).toBe(200);
    const doc = (await res.json()) as {
      openapi: string;
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
      components: { schemas: Record<string, unknown> };
    };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/health', '/ready', '/v1/tools', '/v1/tools/{tool_id}']),
    );
    expect(Object.keys(doc.paths['/v1/tools/{tool_id}']?.get?.responses ?? {})).toEqual(
      expect.arrayContaining(['200', '401', '404', '422', '500']),
    );
    expect(Object.keys(doc.components.schemas)).toEqual(
      expect.arrayContaining(['Problem', 'Tool', 'ToolList', 'Health', 'Ready']),
    );
  });

  it('creates a job from the seed request as seed 002 shows it', async () => {
    const job = await createSeedJob();
    expect(job.job_id).toMatch(/^job_[a-z2-7]{16}$/);
    expect(job).toMatchObject({
      workflow_id: 'wf_analyze_document',
      name: 'Analyze Q4 Report',
      description: 'Analysis of Q4 2023 financial report',
      status: 'PENDING',
    });
    expect(job.steps.map((s) => [s.step_id, s.sequence_number, s.status, s.job_id])).toEqual([
      ['step_1', 0, 'PENDING', job.job_id],
      ['step_2', 1, 'PENDING', job.job_id],
    ]);
    expect((job.steps[0] as { parameter_mappings?: unknown } | undefined)?.parameter_mappings).toEqual({
      input_file: 'input_doc',
      extraction_mode: 'full',
    });
    expect(job.input_errors).toEqual({ input_doc: 'document is required', depth: 'analysis_depth is required' });
    const fetched = await req(`/v1/jobs/${job.job_id}`);
    expect(Job.parse(await fetched.json())).toEqual(job);
  });

  it('runs the seed job to COMPLETED with outputs from the uploaded PDF', async () => {
    const job = await createSeedJob();
    const file = await uploadPdf([
      'Contoso Quarterly Results',
      'Revenue reached $3.2 billion, with growth of 8% year over year.',
    ]);
    expect(
      (
        await req(
          `/v1/jobs/${job.job_id}/inputs/input_doc`,
          json('PUT', { value: { file_id: file.file_id, name: file.name } }),
        )
      ).status,
    ).toBe(200);
    const withInputs = Job.parse(
      await (await req(`/v1/jobs/${job.job_id}/inputs/depth`, json('PUT', { value: 'comprehensive' }))).json(),
    );
    expect(withInputs.input_errors).toEqual({});
    expect(withInputs.input_values.input_doc).toMatchObject({
      file_id: file.file_id,
      name: 'report.pdf',
      mime_type: 'application/pdf',
    });

    const started = await req(`/v1/jobs/${job.job_id}/start`, { method: 'POST' });
    expect(started.status).toBe(202);
    expect(Job.parse(await started.clone().json()).status).toBe('RUNNING');

    const done = await pollUntil(
      async () => Job.parse(await (await req(`/v1/jobs/${job.job_id}`)).json()),
      (j) => j.status === 'COMPLETED' || j.status === 'FAILED',
    );
    expect(done.status).toBe('COMPLETED');
    expect(done?.steps[0]?.output_data?.extracted_text).toEqual(
      expect.stringContaining('Revenue reached $3.2 billion'),
    );
    const analysis = done?.output_data.final_analysis as { summary: string; key_metrics: Record<string, string> };
    expect(analysis.summary).toContain('Revenue reached $3.2 billion');
    expect(analysis.key_metrics).toMatchObject({ revenue: '3.2B', growth: '8%' });
    // The output rule: document_text is read by the analysis step, so only final_analysis is a job output.
    expect(Object.keys(done.output_data)).toEqual(['final_analysis']);
    expect(done.steps.map((s) => [s.status, s.attempt])).toEqual([
      ['COMPLETED', 1],
      ['COMPLETED', 1],
    ]);
    expect(done.started_at).toBe(Job.parse(await started.clone().json()).started_at);
    expect(done.runs).toEqual([
      expect.objectContaining({ status: 'COMPLETED', started_at: done.started_at, completed_at: done.completed_at }),
    ]);

    const state = ExecutionState.parse(await (await req(`/v1/jobs/${job.job_id}/execution-state`)).json());
    expect(state).toMatchObject({ status: 'COMPLETED', total_steps: 2, is_paused: false });
    expect(state.step_results.map((r) => r.step_id)).toEqual(['step_1', 'step_2']);

    const again = await problem(await req(`/v1/jobs/${job.job_id}/start`, { method: 'POST' }), 409);
    expect(again.code).toBe('JOB_NOT_PENDING');
  });

  it('lists the tool catalog with JSON Schemas a standard validator accepts', async () => {
    const res = await req('/v1/tools');
    expect(res.status).toBe(200);
    const { items } = (await res.json()) as { items: ToolDescriptor[] };
    const ids = items.map((t) => t.tool_id);
    expect(ids).toEqual(expect.arrayContaining(['http_request', 'json_transform', 'pdf_extractor', 'text_analyzer']));
    const ajv = new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: true });
    addFormats(ajv);
    for (const tool of items) {
      expect(tool).toMatchObject({
        name: expect.any(String),
        description: expect.any(String),
        version: expect.stringMatching(/^\d+\.\d+\.\d+$/),
      });
      expect(() => ajv.compile(tool.parameters), `${tool.tool_id} parameters`).not.toThrow();
      expect(() => ajv.compile(tool.outputs), `${tool.tool_id} outputs`).not.toThrow();
    }
    const pdf = items.find((t) => t.tool_id === 'pdf_extractor')!;
    const validate = ajv.compile(pdf.parameters);
    expect(validate({ input_file: { file_id: 'file_1', name: 'a.pdf' }, extraction_mode: 'full' })).toBe(true);
    expect(validate({ extraction_mode: 'everything' })).toBe(false);
    expect((await req('/v1/tools/pdf_extractor')).status).toBe(200);
    await problem(await req('/v1/tools/nope'), 404);
  });

  it('lists workflows, and jobs newest first with filters and cursor paging', async () => {
    const workflows = (await (await req('/v1/workflows')).json()) as {
      items: { workflow_id: string; version: number }[];
    };
    expect(workflows.items.map((w) => w.workflow_id)).toContain('wf_analyze_document');

    const created = [await createSeedJob(), await createSeedJob(), await createSeedJob()];
    const page1 = (await (await req('/v1/jobs?workflow_id=wf_analyze_document&status=PENDING&limit=2')).json()) as {
      items: JobSummary[];
      next_cursor: string | null;
    };
    expect(page1.items).toHaveLength(2);
    expect(page1.next_cursor).toEqual(expect.any(String));
    const all: JobSummary[] = [...page1.items];
    let cursor = page1.next_cursor;
    while (cursor) {
      const page = (await (
        await req(`/v1/jobs?workflow_id=wf_analyze_document&status=PENDING&limit=2&cursor=${cursor}`)
      ).json()) as { items: JobSummary[]; next_cursor: string | null };
      all.push(...page.items);
      cursor = page.next_cursor;
    }
    const ids = all.map((j) => j.job_id);
    expect(new Set(ids).size).toBe(ids.length);
    // A list holds summaries: no steps, inputs or outputs, however large a job's documents.
    for (const item of all)
      for (const heavy of ['steps', 'input_values', 'output_data', 'input_variables'])
        expect(item).not.toHaveProperty(heavy);
    expect(all.every((j) => j.status === 'PENDING')).toBe(true);
    // Newest first: the three just created lead (jobs created in the same millisecond tie
    // on created_at and are then ordered by job_id), and created_at never increases.
    expect(ids.slice(0, 3).sort()).toEqual(created.map((j) => j.job_id).sort());
    const times = all.map((j) => j.created_at);
    expect(times).toEqual([...times].sort().reverse());

    const badLimit = await problem(await req('/v1/jobs?limit=0'), 422);
    expect(badLimit.errors?.[0]?.field).toBe('query.limit');
    const badStatus = await problem(await req('/v1/jobs?status=DONE'), 422);
    expect(badStatus.errors?.[0]?.field).toBe('query.status');
    const badCursor = await problem(await req('/v1/jobs?cursor=garbage'), 422);
    expect(badCursor.errors).toEqual([
      { field: 'query.cursor', message: 'must be a next_cursor returned by GET /v1/jobs' },
    ]);
  });

  describe('refuses bad input with problem+json naming the field, writing nothing', () => {
    it('malformed JSON', async () => {
      const p = await problem(await req('/v1/jobs', json('POST', '{"workflow_id": ')), 400);
      expect(p.code).toBe('MALFORMED_REQUEST');
    });

    it('a body that breaks the schema', async () => {
      const p = await problem(
        await req('/v1/jobs', json('POST', { workflow_id: 'wf_analyze_document', name: 42 })),
        422,
      );
      expect(p.errors).toEqual([expect.objectContaining({ field: 'name' })]);
    });

    it('an unknown workflow_id', async () => {
      const p = await problem(await req('/v1/jobs', json('POST', { workflow_id: 'wf_nope', name: 'x' })), 422);
      expect(p.errors).toEqual([{ field: 'workflow_id', message: "workflow 'wf_nope' does not exist" }]);
      const count = await stack.store.db
        .selectFrom('jobs')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('workflow_id', '=', 'wf_nope')
        .executeTakeFirst();
      expect(Number(count?.n)).toBe(0);
    });

    it('input_variables that differ from the workflow', async () => {
      const body = JSON.parse(seedFile('create-job-request.json')) as {
        input_variables: { schema: { enum?: string[] } }[];
      };
      body.input_variables[1]!.schema.enum = ['basic'];
      const p = await problem(await req('/v1/jobs', json('POST', body)), 422);
      expect(p.errors?.[0]?.field).toBe('input_variables.1.schema');
    });

    it('an input value of the wrong type, leaving the stored inputs as they were', async () => {
      const job = await createSeedJob();
      expect((await req(`/v1/jobs/${job.job_id}/inputs/depth`, json('PUT', { value: 'basic' }))).status).toBe(200);
      const wrongType = await problem(await req(`/v1/jobs/${job.job_id}/inputs/depth`, json('PUT', { value: 7 })), 422);
      expect(wrongType.errors).toEqual([{ field: 'value', message: 'analysis_depth must be a string, got number 7' }]);
      const notInEnum = await problem(
        await req(`/v1/jobs/${job.job_id}/inputs/depth`, json('PUT', { value: 'deep' })),
        422,
      );
      expect(notInEnum.errors?.[0]?.message).toBe('analysis_depth must be one of basic, detailed, comprehensive');
      const badFile = await problem(
        await req(
          `/v1/jobs/${job.job_id}/inputs/input_doc`,
          json('PUT', { value: { file_id: 'file_missing', name: 'x.pdf' } }),
        ),
        422,
      );
      expect(badFile.errors).toEqual([
        { field: 'value', message: "document must name an uploaded file; file 'file_missing' does not exist" },
      ]);
      const stored = await stack.store.jobs.get(job.job_id);
      expect(stored?.input_values).toEqual({ depth: 'basic' });
      expect(stored?.input_errors).toEqual({ input_doc: 'document is required' });
    });

    it('a file of a type the input does not accept', async () => {
      const job = await createSeedJob();
      const res = await req('/v1/files', upload(new TextEncoder().encode('just text'), 'notes.txt', 'text/plain'));
      const file = (await res.json()) as { file_id: string };
      const p = await problem(
        await req(`/v1/jobs/${job.job_id}/inputs/input_doc`, json('PUT', { value: { file_id: file.file_id } })),
        422,
      );
      expect(p.errors?.[0]).toEqual({
        field: 'value',
        message: "document must be a file of type application/pdf; 'notes.txt' is text/plain",
      });
    });

    it('starting a job whose required inputs are missing', async () => {
      const job = await createSeedJob();
      const p = await problem(await req(`/v1/jobs/${job.job_id}/start`, { method: 'POST' }), 422);
      expect(p.code).toBe('INPUTS_INVALID');
      expect(p.errors?.map((e) => e.field).sort()).toEqual(['input_values.depth', 'input_values.input_doc']);
      expect(p.input_errors).toEqual({ input_doc: 'document is required', depth: 'analysis_depth is required' });
      expect((await stack.store.jobs.get(job.job_id))?.run_id).toBeUndefined();
    });

    it('an unknown input variable and an unknown job', async () => {
      const job = await createSeedJob();
      const p = await problem(await req(`/v1/jobs/${job.job_id}/inputs/nope`, json('PUT', { value: 'x' })), 404);
      expect(p.errors?.[0]?.field).toBe('variable_id');
      await problem(await req('/v1/jobs/job_doesnotexist', {}), 404);
    });

    it('a workflow with an unknown tool, an unmapped parameter or a duplicate id', async () => {
      const seed = JSON.parse(seedFile('wf_analyze_document.json')) as Record<string, unknown> & {
        steps: Record<string, unknown>[];
      };
      const badTool = {
        ...seed,
        workflow_id: 'wf_bad_tool',
        steps: [{ ...seed.steps[0], tool: { tool_id: 'ocr_magic', name: 'x' } }],
      };
      const p1 = await problem(await req('/v1/workflows', json('POST', badTool)), 422);
      expect(p1.errors?.[0]?.field).toBe('steps.0.tool.tool_id');
      const unmapped = { ...seed, workflow_id: 'wf_unmapped', steps: [{ ...seed.steps[0], parameter_mappings: {} }] };
      const p2 = await problem(await req('/v1/workflows', json('POST', unmapped)), 422);
      expect(p2.errors?.[0]?.field).toBe('steps.0.parameter_mappings.input_file');
      const bogus = {
        ...seed,
        workflow_id: 'wf_bogus',
        steps: [{ ...seed.steps[0], parameter_mappings: { input_file: 'input_doc', extraction_mode: 'bogus' } }],
      };
      const p4 = await problem(await req('/v1/workflows', json('POST', bogus)), 422);
      expect(p4.errors).toEqual([
        {
          field: 'steps.0.parameter_mappings.extraction_mode',
          message: 'the literal value of \'extraction_mode\' must be one of "full", "first_page", "pages"',
          rule: 'literal_parameters_match_schema',
          step_id: 'step_1',
        },
      ]);
      const p3 = await problem(await req('/v1/workflows', json('POST', seed)), 409);
      expect(p3.code).toBe('WORKFLOW_EXISTS');
      expect((await req('/v1/workflows/wf_bad_tool')).status).toBe(404);
    });

    it('a job for a DRAFT workflow', async () => {
      const seed = JSON.parse(seedFile('wf_analyze_document.json')) as Record<string, unknown>;
      expect(
        (await req('/v1/workflows', json('POST', { ...seed, workflow_id: 'wf_draft', status: 'DRAFT' }))).status,
      ).toBe(201);
      const p = await problem(await req('/v1/jobs', json('POST', { workflow_id: 'wf_draft', name: 'x' })), 422);
      expect(p.code).toBe('WORKFLOW_NOT_PUBLISHED');
      expect(p.errors?.[0]?.field).toBe('workflow_id');
    });

    it('control characters in a name', async () => {
      const p = await problem(
        await req('/v1/jobs', json('POST', { workflow_id: 'wf_analyze_document', name: 'bell\u0007name' })),
        422,
      );
      expect(p.errors).toEqual([{ field: 'name', message: 'must not contain control characters' }]);
      expect(
        (
          await req(
            '/v1/jobs',
            json('POST', { workflow_id: 'wf_analyze_document', name: 'ok', description: 'two\nlines\ttabbed' }),
          )
        ).status,
      ).toBe(201);
    });

    it('a body that is not JSON, too large, or nested too deep; a method the path does not have', async () => {
      const form = await problem(
        await req('/v1/jobs', {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: 'workflow_id=x',
        }),
        415,
      );
      expect(form).toMatchObject({
        code: 'UNSUPPORTED_MEDIA_TYPE',
        errors: [{ field: 'content-type', message: 'must be application/json (UTF-8)' }],
      });
      const huge = await problem(
        await req('/v1/jobs', json('POST', { workflow_id: 'x', name: 'x', description: 'd'.repeat(2 * 1024 * 1024) })),
        413,
      );
      expect(huge.code).toBe('PAYLOAD_TOO_LARGE');
      const deep = await problem(
        await req('/v1/workflows', json('POST', `{"a":${'['.repeat(5000)}${']'.repeat(5000)}}`)),
        422,
      );
      expect(deep.errors).toEqual([{ field: '(body)', message: 'must nest at most 64 levels deep' }]);
      const wrongMethod = await req('/v1/jobs/job_x/start', { method: 'GET' });
      const p = await problem(wrongMethod, 405);
      expect(p.code).toBe('METHOD_NOT_ALLOWED');
      expect(wrongMethod.headers.get('allow')).toBe('POST');
      expect((await problem(await req('/v1/jobs', { method: 'DELETE' }), 405)).detail).toBe(
        'DELETE is not allowed on /v1/jobs; allowed: GET, POST',
      );
      await problem(await req('/v1/nothing-here'), 404);
      // A path a fixed route has is that route's alone, as the document reads it: not also a
      // value of a less specific template's parameter (an input named `validate`, a workflow named `validate`).
      for (const [method, path] of [
        ['OPTIONS', '/v1/jobs/job_x/inputs/validate'],
        ['PUT', '/v1/jobs/job_x/inputs/validate'],
        ['GET', '/v1/workflows/validate'],
      ] as const) {
        const refused = await req(path, json(method, method === 'PUT' ? { value: 1 } : undefined));
        expect((await problem(refused, 405)).code, `${method} ${path}`).toBe('METHOD_NOT_ALLOWED');
        expect(refused.headers.get('allow'), `${method} ${path}`).toBe('POST');
      }
      expect((await req('/v1/jobs/job_x/inputs/depth', json('PUT', { value: 'basic' }))).status).toBe(404);
      // A start with no body at all is still a start (its body is optional).
      expect((await problem(await req('/v1/jobs/job_missing/start', { method: 'POST' }), 404)).code).toBe('NOT_FOUND');
    });

    it('an upload without a file field', async () => {
      const form = new FormData();
      form.append('other', 'x');
      const p = await problem(await req('/v1/files', { method: 'POST', body: form }), 422);
      expect(p.errors?.[0]?.field).toBe('file');
    });
  });
});
