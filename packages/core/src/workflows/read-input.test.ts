import { describe, expect, it } from 'vitest';
import { JobWorkflowInput } from '../model/job-workflow-input';
import { readJobWorkflowInput } from './read-input';

const samples: unknown[] = [
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
  null,
  [],
  'job_1',
];

describe('readJobWorkflowInput', () => {
  it.each(samples.map((s) => [JSON.stringify(s), s]))('agrees with the JobWorkflowInput schema on %s', (_, sample) => {
    expect(readJobWorkflowInput(sample).ok).toBe(JobWorkflowInput.safeParse(sample).success);
  });

  it('says what is wrong', () => {
    expect(readJobWorkflowInput({ job_id: 'j', retry: { run_id: 'r', from_step_index: -1 } })).toEqual({
      ok: false,
      message: 'retry.from_step_index: must be a whole number, 0 or more',
    });
  });
});
