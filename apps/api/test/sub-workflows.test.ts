import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import {
  JOB_WORKFLOW_TYPE,
  RuntimeWorkflowExecution,
  type ComposedJobInput,
  type ComposedJobWorkflow,
  type Job,
} from '@ordo/core';
import { pollUntil } from '@ordo/testing';
import {
  getJob,
  json,
  publishWorkflow,
  startApiStack,
  startJob,
  toolStepDefinition,
  waitForEnd,
  waitForJob,
  type ApiStack,
} from './harness';

/** `sys.sub_workflow` steps on the real dev server and SQLite: children are real child workflows and real jobs. */
describe('sub-workflows: child jobs of a step', () => {
  let stack: ApiStack;
  let counter = 0;

  beforeAll(async () => {
    stack = await startApiStack('sub-workflows');
    // The child: doubles `n`, after sleeping `sleep_ms`; refuses n = 2 with its own message.
    await publishWorkflow(stack, 'sub_double', {
      input_variables: [
        { variable_id: 'n', name: 'n', schema: { type: 'number' }, required: true },
        {
          variable_id: 'sleep_ms',
          name: 'sleep_ms',
          schema: { type: 'number', integer: true },
          required: false,
          default: 0,
        },
      ],
      steps: [
        toolStepDefinition(
          'refuse_two',
          'fail',
          { code: 'DELIBERATE_FAILURE', message: { expr: "'no twos here: ' & $string(n)" } },
          {},
          { activation_policy: { when: 'n = 2' } },
        ),
        toolStepDefinition('rest', 'sleep', { ms: 'sleep_ms' }),
        toolStepDefinition('double', 'noop', { value: { expr: 'n * 2' } }, { value: 'doubled' }),
      ],
      output_variables: ['doubled'],
    });
  });
  afterAll(async () => stack.stop());

  /** Publishes a parent workflow, creates a job of it with these inputs and starts it. */
  async function startParent(definition: Record<string, unknown>, inputs: Record<string, unknown>): Promise<Job> {
    const workflowId = `sub_parent_${++counter}`;
    await publishWorkflow(stack, workflowId, definition);
    const res = await stack.request(
      '/v1/jobs',
      json('POST', { workflow_id: workflowId, name: `parent ${counter}`, context: { team: 'ops' } }),
    );
    expect(res.status, await res.clone().text()).toBe(201);
    const job = (await res.json()) as Job;
    await startJob(stack, job.job_id, { input_values: inputs });
    return job;
  }

  const itemsInput = {
    variable_id: 'items',
    name: 'items',
    schema: { type: 'array', items: { type: 'number' } },
    required: true,
  };
  const batch = (
    extra: Record<string, unknown> = {},
    childInputs: Record<string, unknown> = { n: { expr: '__each__' } },
  ) => ({
    input_variables: [itemsInput],
    steps: [
      {
        step_id: 'fan',
        type: 'sys.sub_workflow',
        sub_workflow: {
          workflow_id: 'sub_double',
          mode: 'BATCH',
          iterable: { expr: 'items' },
          input_mappings: childInputs,
          ...extra,
        },
        output_mappings: { results: 'results' },
      },
    ],
    output_variables: ['results'],
  });

  async function execution(jobId: string): Promise<RuntimeWorkflowExecution> {
    const res = await stack.request(`/v1/jobs/${jobId}/execution`);
    expect(res.status).toBe(200);
    return RuntimeWorkflowExecution.parse(await res.json());
  }

  const childIdsOf = async (jobId: string): Promise<string[]> =>
    Object.values((await execution(jobId)).steps).flatMap((step) =>
      (step.childWorkflowExecutions ?? []).map((c) => c.id),
    );

  it('BATCH over 3 items: 3 children, each a job in the API with its parent set, results in item order', async () => {
    const parent = await startParent(batch(), { items: [1, 3, 5] });
    const done = await waitForEnd(stack, parent.job_id);
    expect(done.status, done.error_message).toBe('COMPLETED');
    expect(done.output_data).toEqual({ results: [{ doubled: 2 }, { doubled: 6 }, { doubled: 10 }] });
    const children = await childIdsOf(parent.job_id);
    expect(children.sort()).toEqual([0, 1, 2].map((i) => `${parent.job_id}--fan--${i}`));
    expect(done.steps[0]?.child_job_ids?.sort()).toEqual(children);
    for (const id of children) {
      const child = await getJob(stack, id);
      expect(child).toMatchObject({
        status: 'COMPLETED',
        workflow_id: 'sub_double',
        parent_job_id: parent.job_id,
        root_job_id: parent.job_id,
        correlation_id: parent.correlation_id,
        context: { team: 'ops' },
      });
      expect((await execution(id)).parentWorkflowExecutionId).toBe(parent.job_id);
    }
  });

  it('SINGLE: the child gets its inputs from input_mappings and its outputs are mapped back by name', async () => {
    const parent = await startParent(
      {
        input_variables: [{ variable_id: 'x', name: 'x', schema: { type: 'number' }, required: true }],
        steps: [
          {
            step_id: 'child',
            type: 'sys.sub_workflow',
            sub_workflow: { workflow_id: 'sub_double', mode: 'SINGLE', input_mappings: { n: { expr: 'x + 1' } } },
            output_mappings: { doubled: 'child_doubled' },
          },
          toolStepDefinition(
            'echo',
            'noop',
            { value: { expr: "'got ' & $string(child_doubled)" } },
            { value: 'echoed' },
          ),
        ],
        output_variables: ['child_doubled', 'echoed'],
      },
      { x: 20 },
    );
    const done = await waitForEnd(stack, parent.job_id);
    expect(done.status, done.error_message).toBe('COMPLETED');
    expect(done.output_data).toEqual({ child_doubled: 42, echoed: 'got 42' });
    // The version was pinned when the parent job was created.
    expect(done.steps[0]).toMatchObject({
      sub_workflow: { workflow_id: 'sub_double', version: 1 },
      child_job_ids: [`${parent.job_id}--child`],
    });
    expect(await getJob(stack, `${parent.job_id}--child`)).toMatchObject({
      status: 'COMPLETED',
      parent_job_id: parent.job_id,
      output_data: { doubled: 42 },
    });
  });

  it('resetting a parent mid-BATCH cancels its running children; the parent is PENDING again', async () => {
    const parent = await startParent(batch({ max_concurrency: 2 }, { n: { expr: '__each__' }, sleep_ms: 60_000 }), {
      items: [1, 3],
    });
    const ids = [0, 1].map((i) => `${parent.job_id}--fan--${i}`);
    for (const id of ids)
      await pollUntil(
        () =>
          stack.request(`/v1/jobs/${id}`).then(async (r) => (r.status === 200 ? ((await r.json()) as Job) : undefined)),
        (job) => job?.steps[1]?.status === 'RUNNING',
        { timeoutMs: 30_000, intervalMs: 200 },
      );
    const reset = await stack.request(`/v1/jobs/${parent.job_id}/reset`, json('POST'));
    expect(reset.status, await reset.clone().text()).toBe(200);
    expect(await getJob(stack, parent.job_id)).toMatchObject({ status: 'PENDING' });
    for (const id of ids) {
      expect(await waitForEnd(stack, id)).toMatchObject({ status: 'FAILED', error_message: 'Job cancelled by user' });
      expect((await stack.client.workflow.getHandle(id).describe()).status.name).toBe('CANCELLED');
    }
  });

  it('a parent started again after a reset runs its child again: a new run of the same child job', async () => {
    const parent = await startParent(
      {
        steps: [
          {
            step_id: 'child',
            type: 'sys.sub_workflow',
            sub_workflow: { workflow_id: 'sub_double', mode: 'SINGLE', input_mappings: { n: 7 } },
            output_mappings: { doubled: 'doubled' },
          },
        ],
        output_variables: ['doubled'],
      },
      {},
    );
    expect((await waitForEnd(stack, parent.job_id)).status).toBe('COMPLETED');
    const reset = await stack.request(`/v1/jobs/${parent.job_id}/reset`, json('POST'));
    expect(reset.status, await reset.clone().text()).toBe(200);
    await startJob(stack, parent.job_id);
    const again = await waitForJob(
      stack,
      parent.job_id,
      (job) => job.runs.length === 2 && (job.status === 'COMPLETED' || job.status === 'FAILED'),
    );
    expect(again.status, again.error_message).toBe('COMPLETED');
    expect(again.output_data).toEqual({ doubled: 14 });
    const child = await getJob(stack, `${parent.job_id}--child`);
    expect(child.status).toBe('COMPLETED');
    expect(child.runs.map((r) => r.status)).toEqual(['COMPLETED', 'COMPLETED']);
  });

  it("a child's failure fails the step with the child's message", async () => {
    const parent = await startParent(
      {
        steps: [
          {
            step_id: 'child',
            type: 'sys.sub_workflow',
            sub_workflow: { workflow_id: 'sub_double', mode: 'SINGLE', input_mappings: { n: 2 } },
          },
        ],
      },
      {},
    );
    const done = await waitForEnd(stack, parent.job_id);
    expect(done.status).toBe('FAILED');
    expect(done.error_message).toBe(`Sub-workflow job '${parent.job_id}--child' failed: no twos here: 2`);
    expect(done.steps[0]?.error_message).toBe(done.error_message);
    expect(await getJob(stack, `${parent.job_id}--child`)).toMatchObject({
      status: 'FAILED',
      error_message: 'no twos here: 2',
    });
  });

  it('fail_fast stops at the first failure (no later child starts); continue collects { error } beside the results', async () => {
    const fast = await startParent(batch({ max_concurrency: 1 }), { items: [1, 2, 3] });
    const failed = await waitForEnd(stack, fast.job_id);
    expect(failed.status).toBe('FAILED');
    expect(failed.error_message).toBe(`Sub-workflow job '${fast.job_id}--fan--1' failed: no twos here: 2`);
    expect(await childIdsOf(fast.job_id)).toEqual([`${fast.job_id}--fan--0`, `${fast.job_id}--fan--1`]);
    expect((await stack.request(`/v1/jobs/${fast.job_id}--fan--2`)).status).toBe(404);

    const patient = await startParent(batch({ max_concurrency: 1, failure_policy: 'continue' }), { items: [1, 2, 3] });
    const done = await waitForEnd(stack, patient.job_id);
    expect(done.status, done.error_message).toBe('COMPLETED');
    expect(done.output_data).toEqual({
      results: [
        { doubled: 2 },
        { error: `Sub-workflow job '${patient.job_id}--fan--1' failed: no twos here: 2` },
        { doubled: 6 },
      ],
    });
    expect(await childIdsOf(patient.job_id)).toHaveLength(3);
  });

  it('refuses a BATCH over more than 1,000 items before starting any child (BATCH_TOO_LARGE)', async () => {
    const parent = await startParent(batch({}), { items: Array.from({ length: 1_001 }, (_, i) => i + 3) });
    const done = await waitForEnd(stack, parent.job_id);
    expect(done.status).toBe('FAILED');
    expect(done.error_message).toBe(
      "The iterable of step 'fan' gave 1001 items; a BATCH runs at most 1000 (split the list across steps or nested sub-workflows)",
    );
    expect(await childIdsOf(parent.job_id)).toEqual([]);
  });

  it('cancelling the parent mid-BATCH cancels its running children: their jobs end "Job cancelled by user", their runs Cancelled', async () => {
    const parent = await startParent(batch({ max_concurrency: 3 }, { n: { expr: '__each__' }, sleep_ms: 60_000 }), {
      items: [1, 3, 5],
    });
    const ids = [0, 1, 2].map((i) => `${parent.job_id}--fan--${i}`);
    // Every child is running its sleep.
    for (const id of ids)
      await pollUntil(
        () =>
          stack.request(`/v1/jobs/${id}`).then(async (r) => (r.status === 200 ? ((await r.json()) as Job) : undefined)),
        (job) => job?.steps[1]?.status === 'RUNNING',
        { timeoutMs: 30_000, intervalMs: 200 },
      );
    const cancelled = await stack.request(`/v1/jobs/${parent.job_id}/cancel`, json('POST'));
    expect(cancelled.status, await cancelled.clone().text()).toBe(202);
    expect(await waitForEnd(stack, parent.job_id)).toMatchObject({
      status: 'FAILED',
      error_message: 'Job cancelled by user',
    });
    for (const id of ids) {
      expect(await waitForEnd(stack, id)).toMatchObject({ status: 'FAILED', error_message: 'Job cancelled by user' });
      const description = await stack.client.workflow.getHandle(id).describe();
      expect(description.status.name).toBe('CANCELLED');
    }
  });

  it('pausing the parent reaches its running child, and resuming lets both finish', async () => {
    const parent = await startParent(
      {
        steps: [
          {
            step_id: 'child',
            type: 'sys.sub_workflow',
            sub_workflow: { workflow_id: 'sub_double', mode: 'SINGLE', input_mappings: { n: 4, sleep_ms: 1_500 } },
            output_mappings: { doubled: 'doubled' },
          },
        ],
        output_variables: ['doubled'],
      },
      {},
    );
    const childId = `${parent.job_id}--child`;
    await pollUntil(
      () =>
        stack
          .request(`/v1/jobs/${childId}`)
          .then(async (r) => (r.status === 200 ? ((await r.json()) as Job) : undefined)),
      (job) => job?.steps[1]?.status === 'RUNNING',
      { timeoutMs: 30_000, intervalMs: 100 },
    );
    const paused = await stack.request(`/v1/jobs/${parent.job_id}/pause`, json('POST'));
    expect(paused.status, await paused.clone().text()).toBe(200);
    // The child finishes its running step, then holds at its next boundary.
    const held = await waitForJob(
      stack,
      childId,
      (job) => job.execution_progress.is_paused && job.steps[1]?.status === 'COMPLETED',
    );
    expect(held.status).toBe('RUNNING');
    expect(held.steps[2]?.status).toBe('PENDING');
    const resumed = await stack.request(`/v1/jobs/${parent.job_id}/resume`, json('POST'));
    expect(resumed.status, await resumed.clone().text()).toBe(200);
    const done = await waitForEnd(stack, parent.job_id);
    expect(done.status, done.error_message).toBe('COMPLETED');
    expect(done.output_data).toEqual({ doubled: 8 });
    expect((await getJob(stack, childId)).status).toBe('COMPLETED');
  });

  describe('composition: a job workflow started with { workflow_id, … } creates its own job', () => {
    const run = (workflowId: string, input: ComposedJobInput) =>
      stack.client.workflow.execute<ComposedJobWorkflow>(JOB_WORKFLOW_TYPE, {
        workflowId,
        taskQueue: stack.taskQueue,
        args: [input],
      });

    /** The failure a composed run ends with: its type and message. */
    async function refusal(
      workflowId: string,
      input: ComposedJobInput,
    ): Promise<{ type: string | undefined | null; message: string }> {
      const err: unknown = await run(workflowId, input).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(WorkflowFailedError);
      const cause = (err as WorkflowFailedError).cause;
      expect(cause).toBeInstanceOf(ApplicationFailure);
      expect((cause as ApplicationFailure).nonRetryable).toBe(true);
      return { type: (cause as ApplicationFailure).type, message: (cause as ApplicationFailure).message };
    }

    it('runs with no parent: its workflow ID is its job_id, a new correlation ID, the workflow name as its name', async () => {
      const id = `composed_top_${++counter}`;
      const result = await run(id, { workflow_id: 'sub_double', input_values: { n: 5 } });
      expect(result).toMatchObject({ job_id: id, status: 'Completed', output_data: { doubled: 10 } });
      const job = await getJob(stack, id);
      expect(job).toMatchObject({
        job_id: id,
        name: 'sub_double',
        status: 'COMPLETED',
        workflow_version: 1,
        input_values: { n: 5 },
      });
      expect(job.parent_job_id).toBeUndefined();
      expect(job.correlation_id).toMatch(/^[0-9a-f-]{36}$/);
      // Asked again under the same workflow ID (a new run, as a reused ID would be), the job is not run twice.
      expect(await refusal(id, { workflow_id: 'sub_double', input_values: { n: 5 } })).toEqual({
        type: 'JOB_NOT_STARTABLE',
        message: `Job '${id}' exists and is COMPLETED, not a new job of this run: this run does nothing`,
      });
    });

    it('refuses a workflow that does not exist, or has no PUBLISHED version, naming the field and the rule; no job is created', async () => {
      expect(await refusal(`composed_missing_${++counter}`, { workflow_id: 'sub_nowhere' })).toEqual({
        type: 'WORKFLOW_NOT_FOUND',
        message: "workflow_id: workflow 'sub_nowhere' does not exist",
      });
      expect(await refusal(`composed_v9_${++counter}`, { workflow_id: 'sub_double', version: 9 })).toEqual({
        type: 'WORKFLOW_NOT_FOUND',
        message: "version: workflow 'sub_double' version 9 does not exist",
      });
      const draft = await stack.request(
        '/v1/workflows',
        json('POST', {
          workflow_id: 'sub_draft_only',
          name: 'draft',
          status: 'DRAFT',
          input_variables: [],
          steps: [toolStepDefinition('a', 'noop')],
        }),
      );
      expect(draft.status).toBe(201);
      const id = `composed_draft_${++counter}`;
      expect(await refusal(id, { workflow_id: 'sub_draft_only' })).toEqual({
        type: 'WORKFLOW_NOT_PUBLISHED',
        message:
          "workflow_id: workflow 'sub_draft_only' has no PUBLISHED version; only PUBLISHED versions can run jobs (version 1 is DRAFT)",
      });
      expect((await stack.request(`/v1/jobs/${id}`)).status).toBe(404);
    });

    it("refuses invalid inputs with the API's sentences, and leaves the job visible with its input_errors", async () => {
      const id = `composed_invalid_${++counter}`;
      expect(await refusal(id, { workflow_id: 'sub_double', input_values: { n: 'ten', extra: 1 } })).toEqual({
        type: 'INPUTS_INVALID',
        message: `Job '${id}' inputs invalid: input_values.n: n must be a number, got the string "ten"; input_values.extra: extra is not an input of this workflow; its inputs are n, sleep_ms`,
      });
      const job = await getJob(stack, id);
      expect(job).toMatchObject({ status: 'PENDING', input_errors: { n: 'n must be a number, got the string "ten"' } });
    });
  });
});
