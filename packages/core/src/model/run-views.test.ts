import { describe, expect, it } from 'vitest';
import type { JobRecord } from '../schemas/job';
import { retryPlan } from '../schemas/retry-plan';
import {
  beginRunState,
  initialRunHeader,
  runEndedOutside,
  runHeaderSource,
  runCancelled,
  runCompleted,
  runFailed,
  setPaused,
  stepCompleted,
  stepFailed,
  stepStarted,
} from './run-transitions';
import { executionStateOf, jobView, liveOutputOf } from './run-views';
import type { RunStart } from '../schemas/run-store-contract';
import { storedRunState } from '../jobs/stored-run';

const job: JobRecord = {
  job_id: 'job_1',
  workflow_id: 'wf',
  workflow_version: 1,
  name: 'Analyze Q4 Report',
  created_at: '2031-01-01T00:00:00.000Z',
  updated_at: '2031-01-01T00:00:00.000Z',
  input_variables: [{ name: 'document', variable_id: 'input_doc', required: true, schema: { type: 'string' } }],
  input_values: { input_doc: 'text' },
  input_errors: {},
  steps: ['extract', 'analyze', 'publish'].map((id, i) => ({
    type: 'tool' as const,
    step_id: id,
    sequence_number: i,
    tool: { tool_id: 'noop', name: `Tool ${id}` },
    parameter_mappings: {},
    output_mappings: { value: `${id}_out` },
  })),
  output_variables: ['publish_out'],
  correlation_id: 'corr-1',
  context: {},
};

const start: RunStart = {
  job_id: 'job_1',
  run_id: 'run_1',
  workflow_id: 'wf',
  workflow_version: 1,
  name: 'Analyze Q4 Report',
  correlation_id: 'corr-1',
  context: {},
  started_at: '2031-01-01T00:00:01.000Z',
  variables: { input_doc: 'text' },
  declared: ['input_doc', 'extract_out', 'analyze_out', 'publish_out'],
  output_variables: ['publish_out'],
  total_steps: 3,
  first: { from: 0, steps: job.steps, tools: { noop: {} } },
  reused: [],
};

const t = (s: number) => `2031-01-01T00:00:${String(s).padStart(2, '0')}.000Z`;

describe('a run ended outside Ordo', () => {
  it('fails the step it was at and the run, with the reason, as a FAILED job', () => {
    const run = beginRunState(start);
    stepStarted(run, 0, 'Tool extract', t(2));
    stepCompleted(run, 0, { outputs: { value: 'A' }, written: { extract_out: 'A' }, attempt: 1 }, t(3));
    stepStarted(run, 1, 'Tool analyze', t(4));
    runEndedOutside(run, { kind: 'terminated', reason: 'stuck' }, start.output_variables, t(9));
    const view = jobView(job, run, []);
    expect(view).toMatchObject({
      status: 'FAILED',
      error_message: 'The run was terminated in Temporal: stuck',
      completed_at: t(9),
    });
    expect(view.steps.map((s) => [s.status, s.error_message])).toEqual([
      ['COMPLETED', undefined],
      ['FAILED', 'The run was terminated in Temporal: stuck'],
      ['PENDING', undefined],
    ]);
    expect(run.error).toEqual({ code: 'RUN_TERMINATED', message: 'The run was terminated in Temporal: stuck' });
  });

  it('fails the first step not begun when none was running (a run timed out between steps)', () => {
    const run = beginRunState(start);
    stepStarted(run, 0, 'Tool extract', t(2));
    stepCompleted(run, 0, { outputs: { value: 'A' }, written: { extract_out: 'A' }, attempt: 1 }, t(3));
    runEndedOutside(run, { kind: 'timed_out' }, start.output_variables, t(9));
    expect(run.steps.map((s) => s.status)).toEqual(['Completed', 'Failed', 'NotStarted']);
    expect(jobView(job, run, [])).toMatchObject({
      status: 'FAILED',
      error_message: 'The run timed out in Temporal',
      execution_progress: { current_step: 1 },
    });
  });
});

describe('run state and its views', () => {
  it('projects a running run into seed 000 and seed 002 shapes from one state', () => {
    const run = beginRunState(start);
    stepStarted(run, 0, 'Tool extract', t(2));
    stepCompleted(run, 0, { outputs: { value: 'A' }, written: { extract_out: 'A' }, attempt: 1 }, t(3));
    stepStarted(run, 1, 'Tool analyze', t(4));
    Object.assign(run.steps[1]!, { attempt: 2, max_attempts: 3, progress: 'Processing page 3 of 10' });

    const state = executionStateOf(job, run);
    expect(state).toEqual({
      status: 'RUNNING',
      current_step_index: 1,
      total_steps: 3,
      is_paused: false,
      live_output: 'Running step 2 of 3: Tool analyze: Processing page 3 of 10 (attempt 2 of 3)',
      variables: { input_doc: 'text', extract_out: 'A' },
      step_results: [
        { step_id: 'extract', success: true, outputs: { value: 'A' }, started_at: t(2), completed_at: t(3) },
      ],
    });
    const view = jobView(job, run, []);
    expect(view.status).toBe('RUNNING');
    expect(view.started_at).toBe(t(1));
    expect(view.updated_at).toBe(t(4));
    expect(view.steps.map((s) => [s.status, s.attempt])).toEqual([
      ['COMPLETED', 1],
      ['RUNNING', 2],
      ['PENDING', 0],
    ]);
    expect(view.execution_progress).toEqual({ current_step: 1, total_steps: 3, is_paused: false });
    expect(view.output_data).toEqual({});
  });

  it('shows a pause requested mid-step, and keeps is_paused until resumed', () => {
    const run = beginRunState(start);
    stepStarted(run, 0, 'Tool extract', t(2));
    setPaused(run, true, t(3));
    expect(liveOutputOf(run)).toBe('Running step 1 of 3: Tool extract (pausing after this step)');
    expect(executionStateOf(job, run).is_paused).toBe(true);
    setPaused(run, false, t(4));
    expect(executionStateOf(job, run).is_paused).toBe(false);
  });

  it('ends a completed run with exactly the output rule variables', () => {
    const run = beginRunState(start);
    for (const [i, id] of ['extract', 'analyze', 'publish'].entries()) {
      stepStarted(run, i, id, t(2 + i));
      stepCompleted(run, i, { outputs: { value: id }, written: { [`${id}_out`]: id } }, t(3 + i));
    }
    runCompleted(run, start.output_variables, t(9));
    const view = jobView(job, run, []);
    expect(view).toMatchObject({
      status: 'COMPLETED',
      completed_at: t(9),
      output_data: { publish_out: 'publish' },
      live_output: 'Completed 3 of 3 steps',
    });
    expect(view.steps.every((s) => s.status === 'COMPLETED')).toBe(true);
  });

  it('fails the step and the job with the same message, keeping completed outputs', () => {
    const run = beginRunState(start);
    stepStarted(run, 0, 'extract', t(2));
    stepCompleted(run, 0, { outputs: { value: 'A' }, written: { extract_out: 'A' } }, t(3));
    stepStarted(run, 1, 'analyze', t(4));
    const error = { code: 'PDF_PASSWORD_PROTECTED', message: 'Failed to process PDF: File is password protected' };
    stepFailed(run, 1, error, 1, t(5));
    runFailed(run, 1, error, start.output_variables, t(5));
    const view = jobView(job, run, []);
    expect(view).toMatchObject({ status: 'FAILED', error_message: error.message, completed_at: t(5) });
    expect(view.steps[1]).toMatchObject({
      status: 'FAILED',
      error_message: error.message,
      started_at: t(4),
      completed_at: t(5),
    });
    expect(view.steps[0]?.output_data).toEqual({ value: 'A' });
    expect(executionStateOf(job, run).step_results.map((r) => r.success)).toEqual([true, false]);
  });

  it('turns a cancellation into a FAILED job with "Job cancelled by user", the running step failed', () => {
    const run = beginRunState(start);
    stepStarted(run, 0, 'extract', t(2));
    runCancelled(run, start.output_variables, t(3));
    const view = jobView(job, run, []);
    expect(view).toMatchObject({ status: 'FAILED', error_message: 'Job cancelled by user', completed_at: t(3) });
    expect(view.steps.map((s) => s.status)).toEqual(['FAILED', 'PENDING', 'PENDING']);
    expect(run.status).toBe('Cancelled');
  });

  it('plans a retry from the failed step or an earlier one', () => {
    const run = beginRunState(start);
    stepStarted(run, 0, 'extract', t(2));
    stepCompleted(run, 0, { outputs: { value: 'A' }, written: { extract_out: 'A' } }, t(3));
    stepStarted(run, 1, 'analyze', t(4));
    stepFailed(run, 1, { code: 'X', message: 'x' }, 3, t(5));
    runFailed(run, 1, { code: 'X', message: 'x' }, [], t(5));
    expect(retryPlan(job, run)).toEqual({
      ok: true,
      plan: {
        run_id: 'run_1',
        from_step_index: 1,
        from_step_id: 'analyze',
        reused: ['extract'],
        runs: ['analyze', 'publish'],
      },
    });
    expect(retryPlan(job, run, 'extract')).toMatchObject({ ok: true, plan: { from_step_index: 0, reused: [] } });
    expect(retryPlan(job, run, 'publish')).toMatchObject({ ok: false, code: 'STEP_AFTER_FAILURE' });
    expect(retryPlan(job, run, 'nope')).toMatchObject({ ok: false, code: 'UNKNOWN_STEP' });
  });

  it('rebuilds a stored run so that it never goes behind what its activities recorded', () => {
    const header = initialRunHeader(runHeaderSource(job), 'run_1', t(1));
    const run = storedRunState(job, header, [
      { index: 1, step_id: 'analyze', type: 'tool', status: 'InProgress', attempt: 2, progress: 'page 3' },
    ]);
    expect(run.current_step_index).toBe(1);
    expect(run.steps.map((s) => s.status)).toEqual(['NotStarted', 'InProgress', 'NotStarted']);
    expect(liveOutputOf(run)).toBe('Running step 2 of 3: Tool analyze: page 3 (attempt 2)');
  });
});
