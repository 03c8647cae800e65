import { describe, expect, it } from 'vitest';
import type { RunState, StepRun } from '../schemas/run-state';
import { composeRunState, RUN_STATE_WINDOW, runStateWindow, windowedExecutionState } from './run-window';

const step = (index: number, status: StepRun['status'], outputs?: Record<string, string>): StepRun => ({
  index,
  step_id: `s${index}`,
  type: 'tool',
  status,
  attempt: status === 'NotStarted' ? 0 : 1,
  ...(outputs && { outputs }),
});

/** A run of `total` steps, those before `current` Completed, `current` InProgress. */
function runOf(total: number, current: number, outputs = ''): RunState {
  return {
    job_id: 'job_1',
    run_id: 'run_1',
    workflow_id: 'wf',
    workflow_version: 1,
    correlation_id: 'c',
    context: {},
    status: 'InProgress',
    started_at: '2031-01-01T00:00:00.000Z',
    current_step_index: current,
    total_steps: total,
    paused: false,
    live_output: `Running step ${current + 1} of ${total}: noop`,
    variables: { count: current },
    steps: Array.from({ length: total }, (_, i) =>
      i < current ? step(i, 'Completed', { value: outputs }) : step(i, i === current ? 'InProgress' : 'NotStarted'),
    ),
  };
}

describe('runStateWindow', () => {
  it('is the run itself when every step fits', () => {
    const run = runOf(3, 1);
    expect(runStateWindow(run)).toBe(run);
  });

  it('answers at most max_steps records: the latest up to the current step, then the next ones', () => {
    const window = runStateWindow(runOf(10_000, 5_000));
    expect(window.steps).toHaveLength(RUN_STATE_WINDOW.max_steps);
    expect(window.steps[0]?.index).toBe(5_000 - RUN_STATE_WINDOW.max_steps + 1);
    expect(window.steps.at(-1)?.index).toBe(5_000);
    expect(window.variables).toEqual({ count: 5_000 });
    // Early in a long run, the rest of the count goes to the steps after the current one.
    expect(runStateWindow(runOf(10_000, 10)).steps.map((s) => s.index)).toEqual(
      Array.from({ length: RUN_STATE_WINDOW.max_steps }, (_, i) => i),
    );
  });

  it('stays within max_bytes of step records, but always holds the current step and every unrecorded one', () => {
    const big = 'x'.repeat(100 * 1024);
    const window = runStateWindow(runOf(200, 150, big));
    // About ten of the large records fit; the small ones after the current step fill the count.
    expect(window.steps.filter((s) => s.status === 'Completed').length).toBeLessThan(12);
    expect(JSON.stringify(window.steps).length).toBeLessThanOrEqual(RUN_STATE_WINDOW.max_bytes);
    expect(window.steps.find((s) => s.status === 'InProgress')?.index).toBe(150);
    expect(window.steps[0]?.index).toBeGreaterThan(130);
    const withUnrecorded = runStateWindow(runOf(200, 150, big), { unrecordedFrom: 130 });
    expect(withUnrecorded.steps[0]?.index).toBe(130);
  });

  it('never reaches below the first step the execution holds', () => {
    expect(runStateWindow(runOf(1_000, 520), { from: 500 }).steps[0]?.index).toBe(500);
    // Paused before its first step: the current index is the previous execution's, the window starts at `from`.
    expect(runStateWindow(runOf(1_000, 499), { from: 500 }).steps[0]?.index).toBe(500);
  });
});

describe('windowedExecutionState', () => {
  it('answers the window of step results, with the live message of the whole run', () => {
    const run = runOf(10_000, 5_000);
    run.steps[5_000]!.progress = 'half way';
    const state = windowedExecutionState(run);
    expect(state.step_results).toHaveLength(RUN_STATE_WINDOW.max_steps - 1);
    expect(state.live_output).toBe('Running step 5001 of 10000: noop: half way');
    expect(state.total_steps).toBe(10_000);
  });
});

describe('composeRunState', () => {
  it('takes the answered steps from the workflow and the others from the store', () => {
    const live = runOf(1_000, 600);
    const stored = runOf(1_000, 0);
    for (let i = 0; i < 550; i++) stored.steps[i] = step(i, 'Completed', { value: 'stored' });
    const composed = composeRunState(runStateWindow(live, { from: 550 }), stored);
    expect(composed.steps).toHaveLength(1_000);
    expect(composed.steps.every((s, i) => s.index === i)).toBe(true);
    expect(composed.steps[10]?.outputs).toEqual({ value: 'stored' });
    expect(composed.steps[560]?.outputs).toEqual({ value: '' });
    expect(composed.steps[600]?.status).toBe('InProgress');
    expect(composed.current_step_index).toBe(600);
  });

  it('is the live state itself when it holds every step', () => {
    const live = runOf(3, 1);
    expect(composeRunState(live, runOf(3, 0))).toBe(live);
  });
});
