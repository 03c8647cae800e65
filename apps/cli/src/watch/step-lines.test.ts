import { describe, expect, it } from 'vitest';
import type { JobEvent, Schema } from '@ordo/client';
import { formatElapsed, fractionOf, noteOf, progressBar, watchLines } from './step-lines';

const step = (step_id: string, fields: Partial<Schema<'Job'>['steps'][number]>) =>
  ({
    type: 'tool',
    step_id,
    tool: { tool_id: 'sleep', name: 'sleep' },
    parameter_mappings: {},
    output_mappings: {},
    job_id: 'job_1',
    sequence_number: 0,
    status: 'PENDING',
    attempt: 0,
    ...fields,
  }) as Schema<'Job'>['steps'][number];

const job = (steps: Schema<'Job'>['steps']) =>
  ({
    job_id: 'job_1',
    workflow_id: 'wf',
    workflow_version: 2,
    status: 'RUNNING',
    execution_progress: { current_step: 1, total_steps: steps.length, is_paused: false },
    steps,
  }) as unknown as Schema<'Job'>;

describe('watch lines', () => {
  it('reads a fraction where the message says N of M', () => {
    expect(fractionOf('Processing page 3 of 40')).toBe(3 / 40);
    expect(fractionOf('Slept 2 of 5 s')).toBe(0.4);
    expect(fractionOf('Analysing 12 characters')).toBeUndefined();
    expect(fractionOf('0 of 0')).toBeUndefined();
  });

  it('draws bars and elapsed times', () => {
    expect(progressBar(0.5, 10)).toBe('[#####-----]  50%');
    expect(progressBar(1, 4)).toBe('[####] 100%');
    expect(formatElapsed(4_200)).toBe('4.2s');
    expect(formatElapsed(185_000)).toBe('3m05s');
  });

  it('notes the progress, wait and failure events leave on a step', () => {
    const event = (type: JobEvent['type'], data: JobEvent['data']) => ({ type, data }) as JobEvent;
    // The fraction the tool reported, over anything the message says.
    expect(noteOf(event('step.progress', { step_index: 0, message: 'page 1 of 4', fraction: 0.4 }))).toEqual({
      message: 'page 1 of 4',
      fraction: 0.4,
    });
    expect(noteOf(event('step.progress', { step_index: 0, message: 'counting', fraction: 0 }))).toEqual({
      message: 'counting',
      fraction: 0,
    });
    // None reported: the message's `N of M`, else no bar.
    expect(noteOf(event('step.progress', { step_index: 0, message: 'page 1 of 4' }))).toEqual({
      message: 'page 1 of 4',
      fraction: 0.25,
    });
    expect(noteOf(event('step.progress', { step_index: 0, message: 'counting' }))).toEqual({ message: 'counting' });
    expect(noteOf(event('step.waiting', { step_index: 1 }))).toEqual({ message: 'waiting for confirmation' });
    expect(noteOf(event('step.started', { step_index: 1 }))).toBeUndefined();
  });

  it('draws a header and one line per step: status, attempt, elapsed, note and bar', () => {
    const lines = watchLines(
      job([
        step('extract', {
          status: 'COMPLETED',
          attempt: 1,
          max_attempts: 3,
          started_at: '2026-01-01T00:00:00.000Z',
          completed_at: '2026-01-01T00:00:04.200Z',
        }),
        step('analyse', { status: 'RUNNING', attempt: 2, max_attempts: 3, started_at: '2026-01-01T00:00:05.000Z' }),
        step('report', {}),
      ]),
      new Map([[1, { message: 'page 1 of 2', fraction: 0.5 }]]),
      Date.parse('2026-01-01T00:00:06.000Z'),
    );
    expect(lines).toEqual([
      'job job_1  wf v2  RUNNING',
      '+ extract  COMPLETED  attempt 1/3  4.2s',
      `> analyse  RUNNING    attempt 2/3  1.0s  page 1 of 2  ${progressBar(0.5)}`,
      '  report   PENDING',
    ]);
    // Without the clocks (piped output changes only when a step does).
    expect(
      watchLines(
        job([step('a', { status: 'RUNNING', attempt: 1, started_at: '2026-01-01T00:00:00Z' })]),
        new Map(),
        0,
        { withElapsed: false },
      )[1],
    ).toBe('> a     RUNNING    attempt 1');
  });
});
