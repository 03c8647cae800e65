import { describe, expect, it } from 'vitest';
import { JobWorkflowInput } from '../schemas/job-workflow-input';
import { readJobWorkflowInput } from './read-input';

const prepared = {
  workflow_id: 'wf',
  workflow_version: 1,
  name: 'n',
  correlation_id: 'c',
  context: {},
  variables: { v0: 'a' },
  declared: ['v0', 'v1'],
  output_variables: ['v1'],
  total_steps: 1,
  first: {
    from: 0,
    steps: [
      {
        type: 'tool',
        step_id: 's',
        tool: { tool_id: 'noop', name: 'Noop' },
        parameter_mappings: { value: 'v0' },
        output_mappings: { value: 'v1' },
      },
    ],
    tools: { noop: {} },
  },
  revision: 3,
};

const continued = { run_id: 'r', from: 120, started_at: '2031-01-01T00:00:00.000Z', prepared: true, paused: false };

const samples: unknown[] = [
  { job_id: 'job_1', prepared },
  {
    job_id: 'job_1',
    started_at: '2031-01-01T00:00:00.000Z',
    prepared: { ...prepared, parent_job_id: 'job_0', extra: 'ignored' },
  },
  { job_id: 'job_1', prepared, retry: { run_id: 'r', from_step_index: 0 } },
  { job_id: 'job_1', prepared: null },
  { job_id: 'job_1', prepared: { ...prepared, revision: -1 } },
  { job_id: 'job_1', prepared: { ...prepared, total_steps: 0 } },
  { job_id: 'job_1', prepared: { ...prepared, workflow_version: '1' } },
  { job_id: 'job_1', prepared: { ...prepared, declared: [1] } },
  { job_id: 'job_1', prepared: { ...prepared, context: [] } },
  { job_id: 'job_1', prepared: { ...prepared, first: { ...prepared.first, tools: [] } } },
  {
    job_id: 'job_1',
    prepared: { ...prepared, first: { ...prepared.first, steps: [{ type: 'teleport', step_id: 's' }] } },
  },
  { job_id: 'job_1', prepared: { ...prepared, first: { ...prepared.first, steps: [{ type: 'tool', step_id: '' }] } } },
  { job_id: 'job_1', prepared: { ...prepared, variables: undefined } },
  { job_id: 'job_1' },
  { job_id: 'job_1', started_at: '2031-01-01T00:00:00.000Z' },
  { job_id: 'job_1', started_at: '2031-01-01T00:00:00Z', retry: { run_id: 'r', from_step_index: 2 } },
  { job_id: '' },
  { job_id: 7 },
  { job_id: 'job_1', extra: true },
  { job_id: 'job_1', started_at: 'yesterday' },
  { job_id: 'job_1', started_at: '2031-01-01T00:00:00+02:00' },
  { job_id: 'job_1', retry: { run_id: 'r' } },
  { job_id: 'job_1', retry: { run_id: 'r', from_step_index: -1 } },
  { job_id: 'job_1', retry: { run_id: 'r', from_step_index: 1.5 } },
  { job_id: 'job_1', retry: { run_id: '', from_step_index: 0 } },
  { job_id: 'job_1', retry: { run_id: 'r', from_step_index: 0, x: 1 } },
  { job_id: 'job_1', retry: null },
  { job_id: 'job_1', continued },
  { job_id: 'job_1', continued: { ...continued, paused: true } },
  { job_id: 'job_1', continued, prepared },
  { job_id: 'job_1', continued, retry: { run_id: 'r', from_step_index: 0 } },
  { job_id: 'job_1', continued: { ...continued, from: -1 } },
  { job_id: 'job_1', continued: { ...continued, run_id: '' } },
  { job_id: 'job_1', continued: { ...continued, started_at: 'today' } },
  { job_id: 'job_1', continued: { ...continued, prepared: 'yes' } },
  { job_id: 'job_1', continued: { ...continued, paused: undefined } },
  { job_id: 'job_1', continued: { ...continued, extra: 1 } },
  { job_id: 'job_1', continued: null },
  { workflow_id: 'wf' },
  { workflow_id: 'wf', version: 2, input_values: { a: 1 }, context: { k: 'v' }, name: 'Child', correlation_id: 'c-1' },
  { workflow_id: 'wf', version: 0 },
  { workflow_id: 'wf', version: 1.5 },
  { workflow_id: 'bad-id' },
  { workflow_id: '' },
  { workflow_id: 'wf', input_values: [] },
  { workflow_id: 'wf', context: 'x' },
  { workflow_id: 'wf', name: '' },
  { workflow_id: 'wf', correlation_id: '' },
  { workflow_id: 'wf', extra: 1 },
  { workflow_id: 'wf', job_id: 'j' },
  null,
  [],
  'job_1',
];

describe('readJobWorkflowInput', () => {
  it.each(samples.map((s) => [JSON.stringify(s), s]))('agrees with the JobWorkflowInput schema on %s', (_, sample) => {
    expect(readJobWorkflowInput(sample).ok).toBe(JobWorkflowInput.safeParse(sample).success);
  });

  it('reads the composition form, naming the field and the rule of a bad one', () => {
    expect(readJobWorkflowInput({ workflow_id: 'wf', input_values: { a: 1 } })).toEqual({
      ok: true,
      input: { workflow_id: 'wf', input_values: { a: 1 } },
    });
    expect(readJobWorkflowInput({ workflow_id: 'wf', version: 0 })).toEqual({
      ok: false,
      message: 'version: must be a whole number, 1 or more',
    });
    expect(readJobWorkflowInput({ workflow_id: 'wf', input_values: [] })).toEqual({
      ok: false,
      message: 'input_values: must be an object of values by variable_id',
    });
  });

  it('says what is wrong', () => {
    expect(readJobWorkflowInput({ job_id: 'j', retry: { run_id: 'r', from_step_index: -1 } })).toEqual({
      ok: false,
      message: 'retry.from_step_index: must be a whole number, 0 or more',
    });
    expect(
      readJobWorkflowInput({
        job_id: 'j',
        prepared: { ...prepared, first: { ...prepared.first, steps: [{ type: 'teleport', step_id: 's' }] } },
      }),
    ).toEqual({
      ok: false,
      message:
        'prepared.first.steps.0: must be a step definition with a step_id and a known type (tool, sys.human_confirm, sys.wait, sys.sub_workflow)',
    });
    expect(readJobWorkflowInput({ job_id: 'j', continued: { ...continued, from: 1.5 } })).toEqual({
      ok: false,
      message: 'continued.from: must be a whole number, 0 or more',
    });
  });
});
