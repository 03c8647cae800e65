import type { ExecutionState } from '../schemas/execution-state';
import type { RunState } from '../schemas/run-state';
import { liveOutputOf, runExecutionState } from './run-views';

/**
 * How much of a run's steps a query answers. A run of 10,000 steps holds 10,000 step
 * records; Temporal carries a query's answer in one gRPC message (4 MiB by default), and
 * the answer must not grow with the steps done. So `runState` and `executionState` answer
 * the header whole and a window of the steps: the current one and those before it, at
 * most `max_steps` records and `max_bytes` of their JSON (the current step's record counts
 * whatever its size), then the steps after it while the count allows. Steps the run store
 * does not hold yet are always in the window (the workflow writes them before they could
 * fall out of it: `UNRECORDED_LIMIT`). The API composes the rest from the run store, which
 * holds every finished step outside the window (`composeRunState`).
 */
export const RUN_STATE_WINDOW = { max_steps: 100, max_bytes: 1024 * 1024 } as const;

/**
 * The steps a workflow may hold without their being in the run store, at most, before it
 * writes them: `max_steps` records or `max_bytes` of their JSON. Together with the window,
 * an answer's steps are at most `RUN_STATE_WINDOW.max_steps + UNRECORDED_LIMIT.max_steps`
 * records and about `RUN_STATE_WINDOW.max_bytes + UNRECORDED_LIMIT.max_bytes` bytes, plus
 * one step's record (a step's outputs are at most the inline value limit, larger ones are
 * `ValueRef`s).
 */
export const UNRECORDED_LIMIT = { max_steps: 50, max_bytes: 512 * 1024 } as const;

/** Where a run's window of steps may reach: see `runStateWindow`. */
export interface WindowBounds {
  /** The lowest index of a step the run store may not hold as the run does: every step from there on is in the window. */
  unrecordedFrom?: number;
  /** The first step the answering execution holds as it is (a run continued as new holds only placeholders before it). */
  from?: number;
}

/**
 * The run state with only its window of steps (see `RUN_STATE_WINDOW`); the run itself
 * when the window is every step.
 */
export function runStateWindow(run: RunState, bounds: WindowBounds = {}): RunState {
  const unrecordedFrom = bounds.unrecordedFrom ?? Number.POSITIVE_INFINITY;
  const floor = bounds.from ?? 0;
  const steps = run.steps;
  if (steps.length === 0) return run;
  const current = Math.min(Math.max(run.current_step_index, floor), steps.length - 1);
  let from = current;
  let count = 1;
  let bytes = JSON.stringify(steps[current]).length;
  while (from > floor) {
    const size = JSON.stringify(steps[from - 1]).length;
    const full = count >= RUN_STATE_WINDOW.max_steps || bytes + size > RUN_STATE_WINDOW.max_bytes;
    if (full && from - 1 < unrecordedFrom) break;
    from--;
    count++;
    bytes += size;
  }
  let to = current + 1;
  while (to < steps.length && count < RUN_STATE_WINDOW.max_steps) {
    const size = JSON.stringify(steps[to]).length;
    if (bytes + size > RUN_STATE_WINDOW.max_bytes) break;
    to++;
    count++;
    bytes += size;
  }
  if (from === 0 && to === steps.length) return run;
  return { ...run, steps: steps.slice(from, to) };
}

/** Seed 000's `executionState` of a run (docs/contract.md), its `step_results` from the run's window of steps. */
export function windowedExecutionState(run: RunState, bounds: WindowBounds = {}): ExecutionState {
  const window = runStateWindow(run, bounds);
  if (window === run) return runExecutionState(run);
  // The live message reads the current step by its index: from the whole run.
  return { ...runExecutionState(window), live_output: liveOutputOf(run) };
}

/**
 * A run's state as its workflow answered it (possibly a window of its steps) completed
 * with the run store's records for the steps outside the window: the whole run, every
 * step at its index. The workflow is authoritative for the steps it answered, the store
 * for the others (finished steps the workflow wrote before they left its window).
 */
export function composeRunState(live: RunState, stored: RunState): RunState {
  if (live.steps.length === live.total_steps && live.steps.every((step, i) => step.index === i)) return live;
  const answered = new Map(live.steps.map((step) => [step.index, step]));
  return { ...live, steps: stored.steps.map((step) => answered.get(step.index) ?? step) };
}
