import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExecutionState, Job } from '@ordo/core';
import { pollUntil } from '@ordo/testing';
import { defineTool } from '@ordo/tools';
import { z } from 'zod';
import { json, startApiStack, type ApiStack } from './harness';

/**
 * A running job over the API: steps, progress and the running tool's own progress
 * message and fraction, observed while a step is held open by the test.
 */
describe('a running job over the API', () => {
  let stack: ApiStack;
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const req = (path: string, init?: RequestInit) => stack.app.request(path, init);

  beforeAll(async () => {
    stack = await startApiStack('live', {
      tools: [
        defineTool({
          tool_id: 'slow_pages',
          name: 'Slow Pages',
          description: 'Reports page progress, then waits for the test',
          version: '1.0.0',
          parameters: z.object({ text: z.string().describe('passed through') }),
          outputs: z.object({ text: z.string() }),
          run: async ({ text }, { progress }) => {
            progress('Processing page 3 of 10', 0.3);
            await released;
            return { text };
          },
        }),
      ],
    });
    const workflow = {
      workflow_id: 'wf_live',
      name: 'Live progress',
      status: 'PUBLISHED',
      input_variables: [{ name: 'text', variable_id: 'text', required: true, schema: { type: 'string' } }],
      steps: [
        {
          step_id: 'pages',
          tool: { tool_id: 'slow_pages', name: 'Slow Pages' },
          parameter_mappings: { text: 'text' },
          output_mappings: { text: 'paged' },
        },
        {
          step_id: 'analyze',
          tool: { tool_id: 'text_analyzer', name: 'Text Analysis Tool' },
          parameter_mappings: { text: 'paged', analysis_level: 'basic' },
          output_mappings: { analysis_results: 'analysis' },
        },
      ],
    };
    expect((await req('/v1/workflows', json('POST', workflow))).status).toBe(201);
  });
  afterAll(async () => {
    release();
    await stack.stop();
  });

  it('shows the running step, progress and the tool progress message, then the result', async () => {
    const job = Job.parse(await (await req('/v1/jobs', json('POST', { workflow_id: 'wf_live', name: 'live' }))).json());
    await req(
      `/v1/jobs/${job.job_id}/inputs/text`,
      json('PUT', { value: 'Orders grew 9% in May. Revenue was $4 million.' }),
    );
    expect((await req(`/v1/jobs/${job.job_id}/start`, { method: 'POST' })).status).toBe(202);

    const readJob = async () => Job.parse(await (await req(`/v1/jobs/${job.job_id}`)).json());
    const live = await pollUntil(readJob, (j) => j.live_output.includes('Processing page 3 of 10'));
    expect(live).toMatchObject({
      status: 'RUNNING',
      execution_progress: { current_step: 0, total_steps: 2, is_paused: false },
      live_output: 'Running step 1 of 2: Slow Pages: Processing page 3 of 10',
    });
    expect(live.steps.map((s) => s.status)).toEqual(['RUNNING', 'PENDING']);
    // The running step shows how far its tool said it has got.
    expect(live.steps.map((s) => s.progress_fraction)).toEqual([0.3, undefined]);
    const state = ExecutionState.parse(await (await req(`/v1/jobs/${job.job_id}/execution-state`)).json());
    expect(state).toMatchObject({
      status: 'RUNNING',
      current_step_index: 0,
      live_output: 'Running step 1 of 2: Slow Pages: Processing page 3 of 10',
    });

    release();
    const done = await pollUntil(readJob, (j) => j.status === 'COMPLETED' || j.status === 'FAILED');
    expect(done.status).toBe('COMPLETED');
    expect(done.live_output).toBe('Completed 2 of 2 steps');
    expect(done.steps.map((s) => s.progress_fraction)).toEqual([undefined, undefined]);
    // The output rule: `paged` is read by the analysis step, so it stays in that step's outputs, not the job's.
    expect(done.output_data).toEqual({ analysis: expect.any(Object) });
    expect(done.steps[0]?.output_data).toEqual({ text: 'Orders grew 9% in May. Revenue was $4 million.' });
  });
});
