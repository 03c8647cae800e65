import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ExecutionState, Job } from '@ordo/core';
import { makePdf, pollUntil, temporalCli } from '@ordo/testing';
import { defineTool, ToolError } from '@ordo/tools';
import {
  createJob,
  PDF_DOCUMENT_INPUT,
  getJob,
  json,
  problem,
  startApiStack,
  startJob,
  toolStepDefinition,
  upload,
  waitForEnd,
  waitForJob,
  type ApiStack,
} from './harness';

/** Tools whose behaviour the tests steer: how often `counted` ran, whether `gate` lets a job through. */
const calls = { counted: 0 };
let gateOpen = false;
const testTools = [
  defineTool({
    tool_id: 'counted',
    name: 'Counted',
    description: 'Echoes its value and counts its calls',
    version: '1.0.0',
    parameters: z.object({ value: z.string() }),
    outputs: z.object({ value: z.string() }),
    run: ({ value }) => {
      calls.counted++;
      return Promise.resolve({ value: `${value}!` });
    },
  }),
  defineTool({
    tool_id: 'gate',
    name: 'Gate',
    description: 'Fails for good while the test keeps the gate shut',
    version: '1.0.0',
    parameters: z.object({ value: z.string() }),
    outputs: z.object({ passed: z.string() }),
    run: ({ value }) =>
      gateOpen
        ? Promise.resolve({ passed: value })
        : Promise.reject(new ToolError('DELIBERATE_FAILURE', 'the gate is shut')),
  }),
];

const sleepSteps = (n: number, ms: number) =>
  Array.from({ length: n }, (_, i) => toolStepDefinition(`sleep_${i + 1}`, 'sleep', { ms }));

describe('job control over the API, against the real server', () => {
  let stack: ApiStack;
  const req = (path: string, init?: RequestInit) => stack.request(path, init);

  beforeAll(async () => {
    stack = await startApiStack('control', { tools: testTools });
  });
  afterAll(async () => stack.stop());

  describe('retries', () => {
    it('shows the attempt while a flaky tool runs, and succeeds on attempt 3', async () => {
      const job = await createJob(stack, {
        steps: [
          toolStepDefinition(
            'flaky',
            'flaky',
            { failures: 2, delay_ms: 1500 },
            {},
            { retry_policy: { maximum_attempts: 3, initial_interval_ms: 100 } },
          ),
        ],
      });
      await startJob(stack, job.job_id);
      const third = await waitForJob(stack, job.job_id, (j) => j.steps[0]?.attempt === 3 && j.status === 'RUNNING');
      expect(third.steps[0]).toMatchObject({ status: 'RUNNING', attempt: 3, max_attempts: 3 });
      expect(third.live_output).toMatch(/^Running step 1 of 1: flaky.*\(attempt 3 of 3\)$/);
      const done = await waitForEnd(stack, job.job_id);
      expect(done.status).toBe('COMPLETED');
      expect(done.steps[0]).toMatchObject({
        status: 'COMPLETED',
        attempt: 3,
        output_data: { attempt: 3, value: null },
      });
    });

    it('fails the job after one attempt when the tool says retrying cannot help', async () => {
      const job = await createJob(stack, {
        steps: [
          toolStepDefinition('boom', 'fail', {
            code: 'PDF_PASSWORD_PROTECTED',
            message: 'Failed to process PDF: File is password protected',
          }),
        ],
      });
      await startJob(stack, job.job_id);
      const done = await waitForEnd(stack, job.job_id);
      expect(done).toMatchObject({
        status: 'FAILED',
        error_message: 'Failed to process PDF: File is password protected',
      });
      expect(done.completed_at).toEqual(expect.any(String));
      expect(done.steps[0]).toMatchObject({
        status: 'FAILED',
        attempt: 1,
        error_message: 'Failed to process PDF: File is password protected',
      });
      const history = await stack.client.workflow.getHandle(job.job_id).fetchHistory();
      const attempts = history.events
        ?.filter((e) => e.activityTaskStartedEventAttributes)
        .map((e) => e.activityTaskStartedEventAttributes?.attempt);
      expect(attempts).toEqual([1]);
    });
  });

  describe('pause and resume', () => {
    it('pauses through the Temporal CLI at the next step boundary, seen through the API, and resumes through the API', async () => {
      const job = await createJob(stack, { steps: sleepSteps(3, 1200) });
      await startJob(stack, job.job_id);
      await waitForJob(stack, job.job_id, (j) => j.steps[0]?.status === 'RUNNING');
      await temporalCli(['workflow', 'signal', '--workflow-id', job.job_id, '--name', 'pause']);

      const requested = await waitForJob(stack, job.job_id, (j) => j.execution_progress.is_paused);
      expect(requested.status).toBe('RUNNING');
      // The running step finishes; the next one does not start.
      const paused = await waitForJob(stack, job.job_id, (j) => j.steps[0]?.status === 'COMPLETED');
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const still = await getJob(stack, job.job_id);
      expect(still.steps.map((s) => s.status)).toEqual(['COMPLETED', 'PENDING', 'PENDING']);
      expect(still.execution_progress).toEqual({ current_step: 1, total_steps: 3, is_paused: true });
      expect(still.live_output).toBe('Paused before step 2 of 3');
      expect(paused.status).toBe('RUNNING');
      const state = ExecutionState.parse(await (await req(`/v1/jobs/${job.job_id}/execution-state`)).json());
      expect(state.is_paused).toBe(true);

      // A second pause means nothing: 409 naming the state.
      const again = await problem(await req(`/v1/jobs/${job.job_id}/pause`, json('POST')), 409);
      expect(again).toMatchObject({ code: 'JOB_ALREADY_PAUSED', job_status: 'RUNNING', is_paused: true });

      const resumed = await req(`/v1/jobs/${job.job_id}/resume`, json('POST'));
      expect(resumed.status).toBe(200);
      expect(Job.parse(await resumed.json()).execution_progress.is_paused).toBe(false);
      const done = await waitForEnd(stack, job.job_id);
      expect(done.status).toBe('COMPLETED');
      expect(done.steps.map((s) => s.status)).toEqual(['COMPLETED', 'COMPLETED', 'COMPLETED']);
    });

    it('pauses and resumes through the API, answered once applied', async () => {
      const job = await createJob(stack, { steps: sleepSteps(2, 800) });
      await startJob(stack, job.job_id);
      const paused = await req(`/v1/jobs/${job.job_id}/pause`, json('POST'));
      expect(paused.status).toBe(200);
      expect(Job.parse(await paused.json()).execution_progress.is_paused).toBe(true);
      await waitForJob(stack, job.job_id, (j) => j.live_output === 'Paused before step 2 of 2');
      expect((await req(`/v1/jobs/${job.job_id}/resume`, json('POST'))).status).toBe(200);
      expect((await waitForEnd(stack, job.job_id)).status).toBe('COMPLETED');
    });
  });

  describe('cancel', () => {
    it('a native Temporal cancel fails the job with "Job cancelled by user" and ends the run Cancelled', async () => {
      const job = await createJob(stack, { steps: sleepSteps(2, 30_000) });
      await startJob(stack, job.job_id);
      await waitForJob(stack, job.job_id, (j) => j.steps[0]?.status === 'RUNNING');
      await temporalCli(['workflow', 'cancel', '--workflow-id', job.job_id]);

      const done = await waitForEnd(stack, job.job_id, 20_000);
      expect(done).toMatchObject({ status: 'FAILED', error_message: 'Job cancelled by user' });
      expect(done.completed_at).toEqual(expect.any(String));
      expect(done.steps.map((s) => s.status)).toEqual(['FAILED', 'PENDING']);
      expect(done.steps[0]?.error_message).toBe('Job cancelled by user');
      // The ending is persisted before the run closes in Temporal, so Temporal may say so a moment later.
      const description = await pollUntil(
        () => stack.client.workflow.getHandle(job.job_id).describe(),
        (d) => d.status.name !== 'RUNNING',
        { timeoutMs: 10_000, intervalMs: 100 },
      );
      expect(description.status.name).toBe('CANCELLED');
      // Persisted: the stored job says the same with no workflow asked.
      const stored = await stack.store.jobs.getStored(job.job_id);
      expect(stored?.run?.status).toBe('Cancelled');
    });

    it('an API cancel stops a many-page PDF extraction between pages', async () => {
      const PAGES = 2000;
      // Pages of many lines, so the extraction takes seconds even on an idle machine: the cancel
      // must land while it is still reading (1,500 two-line pages were read in under 4 s, and
      // once pdf.js was sped up 1,500 pages of 40 lines completed before the cancel arrived).
      // 2,000 pages of 80 lines are about 8.2 million characters, within the text limit.
      const pages = Array.from({ length: PAGES }, (_, i) => [
        `Page ${i + 1} of the annual report.`,
        ...Array.from({ length: 80 }, (_, line) => `Revenue grew 12% to $4.2 million in quarter ${line + 1}.`),
      ]);
      const uploaded = await req('/v1/files', upload(await makePdf(pages), 'long.pdf'));
      const file = (await uploaded.json()) as { file_id: string };
      const job = await createJob(
        stack,
        {
          input_variables: [PDF_DOCUMENT_INPUT],
          steps: [toolStepDefinition('extract', 'pdf_extractor', { input_file: 'doc' }, { extracted_text: 'text' })],
        },
        { doc: { file_id: file.file_id } },
      );
      await startJob(stack, job.job_id);
      const reading = await waitForJob(
        stack,
        job.job_id,
        (j) => new RegExp(`Processing page \\d+ of ${PAGES}`).test(j.live_output),
        30_000,
      );
      const pageSeen = Number(/Processing page (\d+)/.exec(reading.live_output)?.[1]);
      const cancelled = await req(`/v1/jobs/${job.job_id}/cancel`, json('POST'));
      expect(cancelled.status).toBe(202);
      const done = Job.parse(await cancelled.json());
      expect(done).toMatchObject({ status: 'FAILED', error_message: 'Job cancelled by user' });
      expect(done.steps[0]?.status).toBe('FAILED');
      // The tool stopped: its activity ended cancelled, not completed, after it had begun reading.
      const history = await stack.client.workflow.getHandle(job.job_id).fetchHistory();
      expect(history.events?.some((e) => e.activityTaskCanceledEventAttributes)).toBe(true);
      expect(history.events?.some((e) => e.activityTaskCompletedEventAttributes)).toBe(false);
      expect(pageSeen).toBeLessThan(PAGES);
      expect((await stack.client.workflow.getHandle(job.job_id).describe()).status.name).toBe('CANCELLED');
    });

    it('cancels a paused job, and two cancels at once leave one consistent state', async () => {
      const job = await createJob(stack, { steps: sleepSteps(2, 500) });
      await startJob(stack, job.job_id);
      await req(`/v1/jobs/${job.job_id}/pause`, json('POST'));
      await waitForJob(stack, job.job_id, (j) => j.live_output === 'Paused before step 2 of 2');
      const [a, b] = await Promise.all([
        req(`/v1/jobs/${job.job_id}/cancel`, json('POST')),
        req(`/v1/jobs/${job.job_id}/cancel`, json('POST')),
      ]);
      expect([a.status, b.status].sort()).toEqual(expect.arrayContaining([202]));
      for (const res of [a, b]) if (res.status !== 202) expect((await problem(res, 409)).code).toBe('JOB_NOT_RUNNING');
      const done = await waitForEnd(stack, job.job_id);
      expect(done).toMatchObject({ status: 'FAILED', error_message: 'Job cancelled by user' });
      expect(done.steps.map((s) => s.status)).toEqual(['COMPLETED', 'PENDING']);
      expect(done.execution_progress.is_paused).toBe(false);
    });
  });

  describe('reset and retry', () => {
    it('resets a finished job to PENDING and runs it again as a second Temporal run of the same workflow ID', async () => {
      const job = await createJob(stack, {
        steps: [toolStepDefinition('echo', 'noop', { value: 'one' }, { value: 'echoed' })],
      });
      await startJob(stack, job.job_id);
      const first = await waitForEnd(stack, job.job_id);
      expect(first.output_data).toEqual({ echoed: 'one' });

      const reset = await req(`/v1/jobs/${job.job_id}/reset`, json('POST'));
      expect(reset.status).toBe(200);
      const pending = Job.parse(await reset.json());
      expect(pending).toMatchObject({
        status: 'PENDING',
        output_data: {},
        live_output: '',
        execution_progress: { current_step: 0, total_steps: 1, is_paused: false },
      });
      expect(pending.started_at).toBeUndefined();
      expect(pending.completed_at).toBeUndefined();
      expect(pending.steps[0]).toMatchObject({ status: 'PENDING', attempt: 0 });
      expect(pending.steps[0]?.output_data).toBeUndefined();

      await startJob(stack, job.job_id);
      const second = await waitForEnd(stack, job.job_id);
      expect(second.status).toBe('COMPLETED');
      expect(second.runs.map((r) => r.status)).toEqual(['COMPLETED', 'COMPLETED']);
      expect(second.runs[0]?.run_id).not.toBe(second.runs[1]?.run_id);
      const executions = [];
      for await (const execution of stack.client.workflow.list({ query: `WorkflowId = '${job.job_id}'` }))
        executions.push(execution.runId);
      expect(executions.sort()).toEqual(second.runs.map((r) => r.run_id).sort());
    });

    it('resets a running job: its run is cancelled first, then the job is PENDING with its inputs', async () => {
      const job = await createJob(
        stack,
        {
          input_variables: [{ name: 'label', variable_id: 'label', required: true, schema: { type: 'string' } }],
          steps: sleepSteps(1, 30_000),
        },
        { label: 'kept' },
      );
      await startJob(stack, job.job_id);
      await waitForJob(stack, job.job_id, (j) => j.steps[0]?.status === 'RUNNING');
      const reset = await req(`/v1/jobs/${job.job_id}/reset`, json('POST'));
      expect(reset.status).toBe(200);
      expect(Job.parse(await reset.json())).toMatchObject({ status: 'PENDING', input_values: { label: 'kept' } });
      const after = await getJob(stack, job.job_id);
      expect(after.runs).toEqual([expect.objectContaining({ status: 'FAILED', cancelled: true })]);
      expect((await stack.client.workflow.getHandle(job.job_id).describe()).status.name).toBe('CANCELLED');
    });

    it('a cancel during a reset leaves one consistent state: PENDING, the run cancelled', async () => {
      const job = await createJob(stack, { steps: sleepSteps(1, 30_000) });
      await startJob(stack, job.job_id);
      await waitForJob(stack, job.job_id, (j) => j.steps[0]?.status === 'RUNNING');
      const [reset, cancel] = await Promise.all([
        req(`/v1/jobs/${job.job_id}/reset`, json('POST')),
        req(`/v1/jobs/${job.job_id}/cancel`, json('POST')),
      ]);
      expect(reset.status).toBe(200);
      // The cancel either reached the run (202) or found the reset had already ended it (409).
      expect([202, 409]).toContain(cancel.status);
      const after = await getJob(stack, job.job_id);
      expect(after).toMatchObject({ status: 'PENDING', output_data: {} });
      expect(after.runs).toEqual([expect.objectContaining({ status: 'FAILED', cancelled: true })]);
      expect((await stack.client.workflow.getHandle(job.job_id).describe()).status.name).toBe('CANCELLED');
      // And it starts again as a new run.
      await startJob(stack, job.job_id);
      expect((await getJob(stack, job.job_id)).runs).toHaveLength(2);
      await req(`/v1/jobs/${job.job_id}/cancel`, json('POST'));
    });

    it('retries a failed job from the failed step, reusing the recorded output of the step before it', async () => {
      gateOpen = false;
      calls.counted = 0;
      const job = await createJob(stack, {
        steps: [
          toolStepDefinition('first', 'counted', { value: 'hello' }, { value: 'greeting' }),
          toolStepDefinition('second', 'gate', { value: 'greeting' }, { passed: 'result' }),
        ],
      });
      await startJob(stack, job.job_id);
      const failed = await waitForEnd(stack, job.job_id);
      expect(failed).toMatchObject({ status: 'FAILED', error_message: 'the gate is shut' });
      expect(calls.counted).toBe(1);

      const dry = await req(`/v1/jobs/${job.job_id}/retry?dry_run=true`, json('POST'));
      expect(dry.status).toBe(200);
      expect(await dry.json()).toEqual({
        dry_run: true,
        plan: {
          run_id: failed.runs[0]?.run_id,
          from_step_index: 1,
          from_step_id: 'second',
          reused: ['first'],
          runs: ['second'],
        },
      });
      expect((await getJob(stack, job.job_id)).runs).toHaveLength(1);

      gateOpen = true;
      const retried = await req(`/v1/jobs/${job.job_id}/retry`, json('POST'));
      expect(retried.status).toBe(202);
      const done = await waitForEnd(stack, job.job_id);
      expect(done.status).toBe('COMPLETED');
      expect(done.output_data).toEqual({ result: 'hello!' });
      expect(calls.counted).toBe(1);
      expect(done.steps.map((s) => s.status)).toEqual(['COMPLETED', 'COMPLETED']);
      expect(done.runs).toEqual([
        expect.objectContaining({ status: 'FAILED' }),
        expect.objectContaining({
          status: 'COMPLETED',
          retry_of: { run_id: failed.runs[0]?.run_id, from_step_index: 1 },
        }),
      ]);
      // Only the gate ran in the retry's Temporal run.
      const history = await stack.client.workflow.getHandle(job.job_id).fetchHistory();
      expect(
        history.events
          ?.filter((e) => e.activityTaskScheduledEventAttributes)
          .map((e) => e.activityTaskScheduledEventAttributes?.activityType?.name),
      ).toEqual(['gate']);

      const earlier = await req(`/v1/jobs/${job.job_id}/retry`, json('POST'));
      expect((await problem(earlier, 409)).code).toBe('JOB_NOT_FAILED');
    });

    it('retries from an earlier step when asked, and refuses a step after the failure', async () => {
      gateOpen = false;
      calls.counted = 0;
      const job = await createJob(stack, {
        steps: [
          toolStepDefinition('first', 'counted', { value: 'x' }, { value: 'v' }),
          toolStepDefinition('second', 'gate', { value: 'v' }, { passed: 'out' }),
          toolStepDefinition('third', 'noop', {}),
        ],
      });
      await startJob(stack, job.job_id);
      await waitForEnd(stack, job.job_id);
      const late = await problem(
        await req(`/v1/jobs/${job.job_id}/retry?from_step=third&dry_run=true`, json('POST')),
        422,
      );
      expect(late.errors?.[0]?.field).toBe('from_step');
      gateOpen = true;
      expect((await req(`/v1/jobs/${job.job_id}/retry?from_step=first`, json('POST'))).status).toBe(202);
      expect((await waitForEnd(stack, job.job_id)).status).toBe('COMPLETED');
      expect(calls.counted).toBe(2);
    });
  });

  describe('every control call that means nothing in the job state answers 409 and changes nothing', () => {
    it('on a pending, a running and a completed job', async () => {
      const pending = await createJob(stack, { steps: sleepSteps(1, 100) });
      for (const action of ['pause', 'resume', 'cancel', 'reset', 'retry']) {
        const p = await problem(await req(`/v1/jobs/${pending.job_id}/${action}`, json('POST')), 409);
        expect(p.job_status).toBe('PENDING');
      }

      const running = await createJob(stack, { steps: sleepSteps(1, 3000) });
      await startJob(stack, running.job_id);
      await waitForJob(stack, running.job_id, (j) => j.steps[0]?.status === 'RUNNING');
      expect(await problem(await req(`/v1/jobs/${running.job_id}/start`, json('POST')), 409)).toMatchObject({
        code: 'JOB_NOT_PENDING',
        job_status: 'RUNNING',
      });
      expect(await problem(await req(`/v1/jobs/${running.job_id}/resume`, json('POST')), 409)).toMatchObject({
        code: 'JOB_NOT_PAUSED',
        is_paused: false,
      });
      expect(await problem(await req(`/v1/jobs/${running.job_id}/retry`, json('POST')), 409)).toMatchObject({
        code: 'JOB_NOT_FAILED',
        job_status: 'RUNNING',
      });
      expect(await problem(await req(`/v1/jobs/${running.job_id}/inputs`, { method: 'DELETE' }), 409)).toMatchObject({
        code: 'JOB_NOT_PENDING',
      });
      const done = await waitForEnd(stack, running.job_id);
      expect(done.status).toBe('COMPLETED');
      for (const [action, code] of [
        ['pause', 'JOB_NOT_RUNNING'],
        ['resume', 'JOB_NOT_RUNNING'],
        ['cancel', 'JOB_NOT_RUNNING'],
        ['start', 'JOB_NOT_PENDING'],
        ['retry', 'JOB_NOT_FAILED'],
      ] as const) {
        expect(await problem(await req(`/v1/jobs/${running.job_id}/${action}`, json('POST')), 409)).toMatchObject({
          code,
          job_status: 'COMPLETED',
        });
      }
      expect(await getJob(stack, running.job_id)).toMatchObject({
        status: 'COMPLETED',
        runs: [expect.objectContaining({ status: 'COMPLETED' })],
      });
    });
  });

  describe('inputs (seed 002 §2)', () => {
    const variables = [
      { name: 'title', variable_id: 'title', required: true, schema: { type: 'string', min_length: 2 } },
      { name: 'pages', variable_id: 'pages', required: true, schema: { type: 'number', integer: true, minimum: 1 } },
      { name: 'strict', variable_id: 'strict', required: false, schema: { type: 'boolean' }, default: false },
      {
        name: 'tags',
        variable_id: 'tags',
        required: false,
        schema: { type: 'array', items: { type: 'string' }, max_items: 2 },
      },
      {
        name: 'owner',
        variable_id: 'owner',
        required: false,
        schema: {
          type: 'object',
          properties: { name: { type: 'string' }, age: { type: 'number', integer: true } },
          required: ['name'],
        },
      },
      {
        name: 'document',
        variable_id: 'doc',
        required: false,
        schema: { type: 'file', mime_types: ['application/pdf'], max_size_bytes: 50_000 },
      },
    ];

    it('checks every type, names the variable and the rule, and stores nothing invalid', async () => {
      const job = await createJob(stack, {
        input_variables: variables,
        steps: [toolStepDefinition('n', 'noop', { value: 'title' }, { value: 'out' })],
      });
      expect(job.input_errors).toEqual({ title: 'title is required', pages: 'pages is required' });
      const put = (id: string, value: unknown) => req(`/v1/jobs/${job.job_id}/inputs/${id}`, json('PUT', { value }));
      const refused = async (id: string, value: unknown) =>
        (await problem(await put(id, value), 422)).errors?.[0]?.message;

      expect(await refused('title', 'x')).toBe('title must be at least 2 characters long');
      expect(await refused('pages', 2.5)).toBe('pages must be a whole number, got 2.5');
      expect(await refused('pages', '3')).toBe('pages must be a number, got the string "3"');
      expect(await refused('strict', 'true')).toBe(
        'strict must be true or false (a JSON boolean), got the string "true"',
      );
      expect(await refused('tags', ['a', 'b', 'c'])).toBe('tags must have at most 2 items');
      expect(await refused('tags', ['a', 3])).toBe('tags[1] must be a string, got number 3');
      expect(await refused('owner', { age: 3 })).toBe('owner must have the field name');
      expect(await refused('owner', { name: 'Ada', age: 'old' })).toBe(
        'owner.age must be a number, got the string "old"',
      );
      const text = (await (
        await req('/v1/files', upload(new TextEncoder().encode('plain words'), 'notes.pdf', 'application/pdf'))
      ).json()) as { file_id: string };
      expect(await refused('doc', { file_id: text.file_id })).toBe(
        "document must be a file of type application/pdf; 'notes.pdf' is text/plain",
      );
      const big = (await (
        await req('/v1/files', upload(await makePdf(Array.from({ length: 400 }, () => ['x'.repeat(80)])), 'big.pdf'))
      ).json()) as { file_id: string; size: number };
      expect(big.size).toBeGreaterThan(50_000);
      expect(await refused('doc', { file_id: big.file_id })).toMatch(
        /^document must be at most 50000 bytes; 'big.pdf' has \d+$/,
      );
      expect((await stack.store.jobs.get(job.job_id))?.input_values).toEqual({});

      for (const [id, value] of Object.entries({
        title: 'Report',
        pages: 3,
        tags: ['a'],
        owner: { name: 'Ada', age: 36 },
      }))
        expect((await put(id, value)).status).toBe(200);
      const checked = await req(`/v1/jobs/${job.job_id}/inputs`);
      expect(await checked.json()).toEqual({
        valid: true,
        input_values: { title: 'Report', pages: 3, strict: false, tags: ['a'], owner: { name: 'Ada', age: 36 } },
        input_errors: {},
      });
      const validated = await req(`/v1/jobs/${job.job_id}/inputs/validate`, json('POST'));
      expect(((await validated.json()) as { valid: boolean }).valid).toBe(true);

      const cleared = Job.parse(await (await req(`/v1/jobs/${job.job_id}/inputs`, { method: 'DELETE' })).json());
      expect(cleared.input_values).toEqual({});
      expect(cleared.input_errors).toEqual({ title: 'title is required', pages: 'pages is required' });
    });

    it('starts with input_values in the body as one change, or refuses them all and leaves the job as it was', async () => {
      const job = await createJob(stack, {
        input_variables: variables.slice(0, 3),
        steps: [toolStepDefinition('n', 'noop', { value: 'title' }, { value: 'out' })],
      });
      const bad = await problem(
        await req(`/v1/jobs/${job.job_id}/start`, json('POST', { input_values: { title: 'Report', pages: 0 } })),
        422,
      );
      expect(bad.code).toBe('INPUTS_INVALID');
      expect(bad.input_errors).toEqual({ pages: 'pages must be at least 1' });
      expect(await getJob(stack, job.job_id)).toMatchObject({ status: 'PENDING', input_values: {} });

      const started = await startJob(stack, job.job_id, { input_values: { title: 'Report', pages: 2 } });
      expect(started.status).not.toBe('PENDING');
      expect(started.input_values).toEqual({ title: 'Report', pages: 2 });
      // The run sees unset inputs with their defaults.
      const state = ExecutionState.parse(await (await req(`/v1/jobs/${job.job_id}/execution-state`)).json());
      expect(state.variables).toMatchObject({ title: 'Report', pages: 2, strict: false });
      const done = await waitForEnd(stack, job.job_id);
      expect(done).toMatchObject({
        status: 'COMPLETED',
        output_data: { out: 'Report' },
        started_at: started.started_at,
      });
    });

    it('creates with input_values, and with start: true creates and starts in one request, or creates nothing', async () => {
      const template = await createJob(stack, {
        input_variables: variables.slice(0, 3).concat(variables[5]!),
        steps: [toolStepDefinition('n', 'noop', { value: 'title' }, { value: 'out' })],
      });
      const create = (body: Record<string, unknown>) =>
        req('/v1/jobs', json('POST', { workflow_id: template.workflow_id, name: 'one request', ...body }));
      const countJobs = async () =>
        (await stack.store.jobs.list({ workflow_id: template.workflow_id, limit: 100 })).length;
      const before = await countJobs();

      // An invalid value refuses the creation; so does a missing required input when it is to start.
      const invalid = await problem(await create({ input_values: { title: 'Report', pages: 'three' } }), 422);
      expect(invalid).toMatchObject({
        code: 'INPUTS_INVALID',
        input_errors: { pages: 'pages must be a number, got the string "three"' },
      });
      expect(invalid.errors).toEqual([
        { field: 'input_values.pages', message: 'pages must be a number, got the string "three"' },
      ]);
      const missing = await problem(await create({ input_values: { title: 'Report' }, start: true }), 422);
      expect(missing).toMatchObject({ code: 'INPUTS_INVALID', input_errors: { pages: 'pages is required' } });
      expect(await countJobs()).toBe(before);

      // Without start: PENDING with the values given, the rest listed.
      const partial = await create({ input_values: { title: 'Report', pages: null } });
      expect(partial.status).toBe(201);
      expect(Job.parse(await partial.json())).toMatchObject({
        status: 'PENDING',
        input_values: { title: 'Report' },
        input_errors: { pages: 'pages is required' },
      });

      // A file input is referenced as setting it alone would be: the file cannot be deleted under the job.
      const pdf = (await (await req('/v1/files', upload(await makePdf([['one page']]), 'one.pdf'))).json()) as {
        file_id: string;
      };
      const withFile = await create({ input_values: { title: 'Report', pages: 1, doc: { file_id: pdf.file_id } } });
      expect(withFile.status).toBe(201);
      expect(Job.parse(await withFile.json()).input_values).toMatchObject({ doc: { file_id: pdf.file_id } });
      expect((await req(`/v1/files/${pdf.file_id}`, { method: 'DELETE' })).status).toBe(409);

      const started = await create({ input_values: { title: 'Report', pages: 2 }, start: true });
      expect(started.status, await started.clone().text()).toBe(202);
      const job = Job.parse(await started.json());
      expect(started.headers.get('location')).toBe(`/v1/jobs/${job.job_id}`);
      expect(job).toMatchObject({ status: 'RUNNING', input_values: { title: 'Report', pages: 2 }, input_errors: {} });
      expect(job.runs).toHaveLength(1);
      const done = await waitForEnd(stack, job.job_id);
      expect(done).toMatchObject({ status: 'COMPLETED', output_data: { out: 'Report' }, started_at: job.started_at });
      expect((await stack.client.workflow.getHandle(job.job_id).describe()).runId).toBe(job.runs[0]!.run_id);
    });
  });

  describe('errors (seed 002 §6)', () => {
    it('a file deleted after it was set fails the step that reads it, with the outputs of the steps before kept', async () => {
      const uploaded = await req('/v1/files', upload(await makePdf([['Revenue grew 5%.']]), 'short.pdf'));
      const file = (await uploaded.json()) as { file_id: string };
      const job = await createJob(
        stack,
        {
          input_variables: [{ name: 'document', variable_id: 'doc', required: true, schema: { type: 'file' } }],
          steps: [
            toolStepDefinition('wait', 'sleep', { ms: 1200 }, { slept_ms: 'waited' }),
            toolStepDefinition('extract', 'pdf_extractor', { input_file: 'doc' }, { extracted_text: 'text' }),
          ],
        },
        { doc: { file_id: file.file_id } },
      );
      await startJob(stack, job.job_id);
      await waitForJob(stack, job.job_id, (j) => j.steps[0]?.status === 'RUNNING');
      await stack.store.files.delete(file.file_id);
      const done = await waitForEnd(stack, job.job_id);
      expect(done.status).toBe('FAILED');
      expect(done.error_message).toBe(`File '${file.file_id}' (short.pdf) not found`);
      expect(done.completed_at).toEqual(expect.any(String));
      expect(done.steps[1]).toMatchObject({ status: 'FAILED', error_message: done.error_message, attempt: 1 });
      expect(done.steps[0]).toMatchObject({ status: 'COMPLETED', output_data: { slept_ms: expect.any(Number) } });
      // Reading the stored inputs again says what is wrong now.
      const inputs = (await (await req(`/v1/jobs/${job.job_id}/inputs`)).json()) as {
        valid: boolean;
        input_errors: Record<string, string>;
      };
      expect(inputs).toMatchObject({
        valid: false,
        input_errors: { doc: `document must name an uploaded file; file '${file.file_id}' does not exist` },
      });
    });
  });

  describe('times', () => {
    it('keeps started_at from the start answer, dates the running step, and moves updated_at during the run', async () => {
      const job = await createJob(stack, { steps: sleepSteps(3, 700) });
      const started = await startJob(stack, job.job_id);
      const first = await waitForJob(stack, job.job_id, (j) => j.steps[0]?.status === 'RUNNING');
      expect(first.started_at).toBe(started.started_at);
      expect(first.steps[0]?.started_at).toEqual(expect.any(String));
      const later = await waitForJob(stack, job.job_id, (j) => j.steps[2]?.status === 'RUNNING');
      expect(later.updated_at > first.updated_at).toBe(true);
      const done = await waitForEnd(stack, job.job_id);
      expect(done.started_at).toBe(started.started_at);
      expect(done.steps.every((s) => s.started_at !== undefined && s.completed_at !== undefined)).toBe(true);
      await pollUntil(
        () => stack.store.jobs.getStored(job.job_id),
        (s) => s?.run?.status === 'Completed',
      );
    });
  });
});
