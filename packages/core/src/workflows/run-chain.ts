import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  patched,
  workflowInfo,
} from '@temporalio/workflow';
import type { JobErrorCode } from '../schemas/error-codes';
import type { JobWorkflowInput, RunContinuation } from '../schemas/job-workflow-input';
import type { RunState } from '../schemas/run-state';
import type { RunRecord, RunStart, RunStoreActivities } from '../schemas/run-store-contract';
import { beginRunState } from '../model/run-transitions';
import { UNRECORDED_LIMIT, type WindowBounds } from '../model/run-window';

/**
 * The patch behind which a run writes the steps its activities did not record before they
 * leave its query window, and continues as new: runs recorded before it never did either,
 * and replay them unchanged (it is asked only where one of the two is due).
 */
const CHAIN_PATCH = 'ordo-run-chain';

/**
 * A job run as a chain of Temporal executions (see docs/job-state.md, *Unbounded length*). A run
 * continues as new when Temporal suggests it, at a step boundary, once its handlers have
 * finished; it hands on only a `RunContinuation` (fixed in size), having written its state
 * to the run store first, and the next execution reloads it (`resumeRun`). Along the way
 * it keeps track of the steps the store does not hold as the run does (those no activity
 * recorded), writes them before there are too many to answer in a query
 * (`UNRECORDED_LIMIT`), and so lets the queries answer a bounded window of steps.
 */
export class RunChain {
  /** Indexes of the steps the run store may not hold as the run does, lowest first. */
  private readonly unrecorded: number[] = [];
  private unrecordedBytes = 0;

  /**
   * @param from the first step this execution runs (steps before it are in the store)
   * @param reusedUntil steps before it may be reused by a retry: the run does not continue before it
   * @param prepared the run began from a prepared start (carried to the next execution)
   * @param write writes run state through the run store
   */
  constructor(
    readonly from: number,
    private readonly reusedUntil: number,
    private readonly prepared: boolean,
    private readonly write: (record: RunRecord) => Promise<void>,
  ) {}

  /** Where a query's window of steps may reach: every unrecorded step, nothing before this execution's first step. */
  window(): WindowBounds {
    return { from: this.from, ...(this.unrecorded[0] !== undefined && { unrecordedFrom: this.unrecorded[0] }) };
  }

  /** A step ended and no activity recorded it: the run writes it later. */
  stepUnrecorded(run: RunState, index: number): void {
    this.unrecorded.push(index);
    this.unrecordedBytes += JSON.stringify(run.steps[index]).length;
  }

  /**
   * At the boundary before step `index`: continues as new when Temporal suggests it, or
   * writes the unrecorded steps when they reach their limit. Undefined when neither is due,
   * which is nearly always: the per-step path then gains no promise.
   */
  atBoundary(run: RunState, index: number): Promise<void> | undefined {
    const suggested = workflowInfo().continueAsNewSuggested && index >= this.reusedUntil;
    const full =
      this.unrecorded.length >= UNRECORDED_LIMIT.max_steps || this.unrecordedBytes >= UNRECORDED_LIMIT.max_bytes;
    if (!suggested && !full) return undefined;
    if (!patched(CHAIN_PATCH)) return undefined;
    return suggested ? this.continueAsNew(run, index) : this.writeUnrecorded(run);
  }

  /** Writes the header and the unrecorded steps. */
  private async writeUnrecorded(run: RunState): Promise<void> {
    const steps = this.unrecorded.flatMap((index) => run.steps[index] ?? []);
    const { steps: _all, ...header } = run;
    await this.write({ header, steps });
    this.unrecorded.length = 0;
    this.unrecordedBytes = 0;
  }

  /** Writes the run's state, lets the handlers finish, and continues as new at step `index`. */
  private async continueAsNew(run: RunState, index: number): Promise<never> {
    await this.writeUnrecorded(run);
    // An update's handler must not be cut off by the new execution (nor its caller left unanswered).
    await condition(allHandlersFinished);
    const continued: RunContinuation = {
      run_id: run.run_id,
      from: index,
      started_at: run.started_at,
      prepared: this.prepared,
      paused: run.paused,
    };
    return continueAsNew<(input: JobWorkflowInput) => Promise<unknown>>({ job_id: run.job_id, continued });
  }
}

/** The run's start and state as a continued execution reloads them from the run store. */
export async function resumeRun(
  runStore: Pick<RunStoreActivities, 'resumeRun'>,
  jobId: string,
  continued: RunContinuation,
): Promise<{ start: RunStart; run: RunState }> {
  const resumed = await runStore.resumeRun({ job_id: jobId, run_id: continued.run_id, from: continued.from });
  if (!resumed.ok) throw ApplicationFailure.nonRetryable(resumed.message, failureType('JOB_NOT_STARTABLE'));
  const run = beginRunState(resumed.start);
  // The header as recorded when the run continued; a pause that came since is the input's.
  Object.assign(run, resumed.header, { paused: continued.paused });
  for (const step of resumed.referenced) if (step.index < run.steps.length) run.steps[step.index] = step;
  return { start: resumed.start, run };
}

/** A failure type, checked against `JobErrorCode` at compile time (its zod enum is not loaded here). */
const failureType = (code: JobErrorCode): JobErrorCode => code;
