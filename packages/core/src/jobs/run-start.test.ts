import { describe, expect, it } from 'vitest';
import { JobWorkflowInput } from '../schemas/job-workflow-input';
import type { JobRecord } from '../schemas/job';
import { preparedStartOf, stepBatchOf } from './run-start';
import {
  beginRunState,
  completedRunHeader,
  runCompleted,
  setPaused,
  stepCompleted,
  stepStarted,
} from '../model/run-transitions';

const job: JobRecord = {
  job_id: 'job_1',
  workflow_id: 'wf',
  workflow_version: 2,
  name: 'Chain',
  created_at: '2031-01-01T00:00:00.000Z',
  updated_at: '2031-01-01T00:00:00.000Z',
  input_variables: [
    { name: 'first', variable_id: 'v0', required: true, schema: { type: 'string' } },
    { name: 'label', variable_id: 'label', required: false, schema: { type: 'string' }, default: 'none' },
  ],
  input_values: { v0: 'a' },
  input_errors: {},
  steps: [0, 1].map((i) => ({
    type: 'tool' as const,
    step_id: `s${i}`,
    sequence_number: i,
    tool: { tool_id: i === 0 ? 'noop' : 'sleep', name: 'Tool' },
    parameter_mappings: { value: `v${i}` },
    output_mappings: { value: `v${i + 1}` },
  })),
  output_variables: ['v2'],
  correlation_id: 'corr-1',
  context: { customer: 'c1' },
};

const t = (s: number) => `2031-01-01T00:00:${String(s).padStart(2, '0')}.000Z`;

describe('a prepared start', () => {
  it('holds what beginRun reads: the inputs with their defaults, the declared variables, the first batch with its tools', () => {
    const prepared = preparedStartOf(job, 7, { noop: {}, sleep: { timeout_seconds: 60 }, fail: {} });
    expect(prepared).toEqual({
      workflow_id: 'wf',
      workflow_version: 2,
      name: 'Chain',
      correlation_id: 'corr-1',
      context: { customer: 'c1' },
      variables: { v0: 'a', label: 'none' },
      declared: ['v0', 'label', 'v1', 'v2'],
      output_variables: ['v2'],
      total_steps: 2,
      first: { from: 0, steps: job.steps, tools: { noop: {}, sleep: { timeout_seconds: 60 } } },
      revision: 7,
    });
    // The workflow input it makes is one the schema (and so the workflow's own check) accepts.
    expect(JobWorkflowInput.safeParse({ job_id: 'job_1', started_at: t(1), prepared }).success).toBe(true);
    expect(
      JobWorkflowInput.safeParse({ job_id: 'job_1', prepared, retry: { run_id: 'r', from_step_index: 0 } }).success,
    ).toBe(false);
  });

  it('sends a batch of steps, leaving out tools the runs are not offered', () => {
    expect(stepBatchOf(job, 1, { noop: {} })).toEqual({ from: 1, steps: [job.steps[1]], tools: {} });
  });
});

describe('completedRunHeader', () => {
  it('is what stepCompleted and then runCompleted make of the header, whatever a pause did meanwhile', () => {
    const run = beginRunState({
      ...preparedStartOf(job, 0, { noop: {}, sleep: {} }),
      job_id: 'job_1',
      run_id: 'run_1',
      started_at: t(1),
      reused: [],
    });
    stepStarted(run, 0, 'Tool', t(2));
    stepCompleted(run, 0, { outputs: { value: 'b' }, written: { v1: 'b' }, attempt: 1 }, t(3));
    stepStarted(run, 1, 'Tool', t(4));
    const { steps: _steps, ...header } = JSON.parse(JSON.stringify(run)) as typeof run;

    setPaused(run, true, t(5));
    stepCompleted(run, 1, { outputs: { value: 'c' }, written: { v2: 'c' }, attempt: 2 }, t(6));
    runCompleted(run, ['v2'], t(6));
    const { steps: _after, ...expected } = run;

    expect(completedRunHeader(header, { v2: 'c' }, ['v2'], t(6))).toEqual(expected);
    expect(expected).toMatchObject({
      status: 'Completed',
      paused: false,
      output_data: { v2: 'c' },
      completed_at: t(6),
    });
    // The header it was given is left as it was.
    expect(header.status).toBe('InProgress');
  });
});
