import { describe, expect, it } from 'vitest';
import type { ExecutionState } from './execution-state';
import type { Job } from './job';
import { applyExecutionState, executionStateFromJob } from './job-view';

const job: Job = {
  job_id: 'job_1',
  workflow_id: 'wf',
  workflow_version: 1,
  name: 'j',
  status: 'RUNNING',
  created_at: '2031-01-01T00:00:00.000Z',
  updated_at: '2031-01-01T00:00:00.000Z',
  started_at: '2031-01-01T00:00:01.000Z',
  input_variables: [{ name: 'x', variable_id: 'x', required: true, schema: { type: 'string' } }],
  input_values: { x: 'hi' },
  input_errors: {},
  steps: ['a', 'b'].map((id, i) => ({
    type: 'tool' as const,
    step_id: id,
    job_id: 'job_1',
    sequence_number: i,
    status: 'PENDING' as const,
    tool: { tool_id: 't', name: 'T' },
    parameter_mappings: {},
    output_mappings: {},
  })),
  execution_progress: { current_step: 0, total_steps: 2, is_paused: false },
  live_output: 'Starting',
  output_data: {},
};

const running: ExecutionState = {
  status: 'RUNNING',
  current_step_index: 1,
  total_steps: 2,
  is_paused: false,
  live_output: 'Running step 2 of 2: T',
  variables: { x: 'hi', y: 1 },
  step_results: [{ step_id: 'a', success: true, outputs: { out: 1 }, started_at: '2031-01-01T00:00:02.000Z', completed_at: '2031-01-01T00:00:03.000Z' }],
};

describe('applyExecutionState', () => {
  it('shows finished and running steps, progress and outputs of a running job', () => {
    const view = applyExecutionState(job, running);
    expect(view.steps.map((s) => s.status)).toEqual(['COMPLETED', 'RUNNING']);
    expect(view.steps[0]?.output_data).toEqual({ out: 1 });
    expect(view.execution_progress).toEqual({ current_step: 1, total_steps: 2, is_paused: false });
    expect(view.output_data).toEqual({ y: 1 });
    expect(view.live_output).toBe('Running step 2 of 2: T');
  });

  it('keeps RUNNING until the workflow has persisted the final status', () => {
    expect(applyExecutionState(job, { ...running, status: 'COMPLETED' }).status).toBe('RUNNING');
  });
});

describe('executionStateFromJob', () => {
  it('rebuilds seed 000 executionState from a stored job', () => {
    const done: Job = {
      ...job,
      status: 'FAILED',
      output_data: { y: 1 },
      steps: [
        { ...job.steps[0]!, status: 'COMPLETED', output_data: { out: 1 }, started_at: 's', completed_at: 'c' },
        { ...job.steps[1]!, status: 'FAILED', error_message: 'boom', started_at: 's2', completed_at: 'c2' },
      ],
      execution_progress: { current_step: 1, total_steps: 2, is_paused: false },
    };
    expect(executionStateFromJob(done)).toEqual({
      status: 'FAILED',
      current_step_index: 1,
      total_steps: 2,
      is_paused: false,
      live_output: 'Starting',
      variables: { x: 'hi', y: 1 },
      step_results: [
        { step_id: 'a', success: true, outputs: { out: 1 }, started_at: 's', completed_at: 'c' },
        { step_id: 'b', success: false, error: 'boom', outputs: {}, started_at: 's2', completed_at: 'c2' },
      ],
    });
  });
});
