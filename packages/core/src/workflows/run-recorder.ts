import {
  allHandlersFinished,
  CancellationScope,
  condition,
  continueAsNew,
  log,
  patched,
  setCurrentDetails,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { JobWorkflowInput, RunContinuation } from '../schemas/job-workflow-input';
import type { RunState } from '../schemas/run-state';
import type { RunClaim, RunRecord, RunStart } from '../schemas/run-store-contract';
import { jobStatusOf } from '../model/run-views';
import { UNRECORDED_LIMIT, type WindowBounds } from '../model/run-window';
import { OrdoJobStatus } from '../search-attributes';
import { failureType, notStartable } from './run-failures';
import { runStore } from './run-store';
import type { StepExecution, StepOutcome } from '../steps/step-type';

/**
 * The patch behind which a run writes the steps its activities did not record before they
 * leave its query window, and continues as new: runs recorded before it never did either,
 * and replay them unchanged (it is asked only where one of the two is due).
 */
const CHAIN_PATCH = 'ordo-run-chain';

/**
 * The patch behind which a run begun from a job ID (not a prepared start) records a step
 * that runs no tool activity as it begins (see `stepBegun`): such runs recorded before it
 * did not, and replay unchanged.
 */
const STEP_BEGUN_PATCH = 'ordo-step-begun-recorded';

/**
 * The patch behind which a step's ending that no activity wrote (a confirmation's, a wait's,
 * a sub-workflow's or an external tool's completion; a disabled step) is written before the
 * next step begins (see `stepBegun`), so the job's event stream tells it in step order: runs
 * recorded before it wrote it with the run's next record, and replay unchanged.
 */
const STEP_ENDED_PATCH = 'ordo-step-ended-recorded';

/** A run's header sent to its last activity, at most (bytes of JSON); a larger one is recorded by the workflow. */
const MAX_FINISH_HEADER_BYTES = 128 * 1024;

/**
 * How a run persists itself, as its start mode sets it (see `run-start-modes.ts`). Given
 * only a job ID, it claims the job and reads it through a local activity (`beginRun`), and
 * records its end through another. Begun from a prepared start (the API's), its writes ride
 * on its tool activities instead: the first one claims the job, each one records its step as
 * the run state holds it, and the last one records the run's ending too, so a run that goes
 * straight through costs no local activity. The local activities remain for what no tool
 * activity carries: pauses, failures, cancellation, and any write an activity could not make.
 */
export interface RunPersistence {
  /** The run began from a prepared start: its activities record the run. */
  prepared: boolean;
  /** Sent with writes until a claim is confirmed; undefined once it is (or for a `beginRun` run, which claimed first). */
  claim: RunClaim | undefined;
  /** Every completed step so far was recorded by its activity as the run state holds it. */
  stepsRecorded: boolean;
  /** The first step this execution of the run runs: earlier ones were recorded by an execution it continues. */
  from: number;
}

/**
 * What a run writes to the run store, and when: the one home of its persistence. It claims
 * the job and records the run as `RunPersistence` says, and keeps the run a chain of
 * Temporal executions (see docs/job-state.md, *Unbounded length*): a run continues as new when
 * Temporal suggests it, at a step boundary, once its handlers have finished; it hands on
 * only a `RunContinuation` (fixed in size), having written its state to the run store
 * first, and the next execution reloads it (`resumeRun`). Along the way it keeps track of
 * the steps the store does not hold as the run does (those no activity recorded), writes
 * them before there are too many to answer in a query (`UNRECORDED_LIMIT`), and so lets the
 * queries answer a bounded window of steps.
 */
export class RunRecorder {
  /** Indexes of the steps the run store may not hold as the run does, lowest first. */
  private readonly unrecorded: number[] = [];
  private unrecordedBytes = 0;
  /** A step ended that no write has reached at all (not a tool step whose activity recorded its attempt). */
  private endedUnwritten = false;

  /**
   * @param persistence how the run persists itself (its start mode's)
   * @param reusedUntil steps before it may be reused by a retry: the run does not continue before it
   */
  constructor(
    private readonly persistence: RunPersistence,
    private readonly reusedUntil: number,
  ) {}

  /** The first step this execution runs (steps before it are in the store). */
  get from(): number {
    return this.persistence.from;
  }

  /** Where a query's window of steps may reach: every unrecorded step, nothing before this execution's first step. */
  window(): WindowBounds {
    return { from: this.from, ...(this.unrecorded[0] !== undefined && { unrecordedFrom: this.unrecorded[0] }) };
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

  /** A step ended and no activity recorded it as the run holds it (a disabled step, a write an activity could not make): the run writes it later. */
  private stepUnrecorded(run: RunState, index: number): void {
    this.persistence.stepsRecorded = false;
    this.unrecorded.push(index);
    this.unrecordedBytes += JSON.stringify(run.steps[index]).length;
  }

  /**
   * A step of a type that runs no tool activity (a wait, a confirmation, a sub-workflow, an
   * external tool) cannot claim the job for a prepared run, and may wait for days: the
   * workflow records it as begun, claiming first, with the step itself, so the store (and
   * the job's event stream, `step.waiting` or `step.started`) shows it running. A run begun
   * from a job ID records it too, from `STEP_BEGUN_PATCH` on.
   *
   * Before any step begins, the endings no write has reached yet (`stepEnded`) are written,
   * from `STEP_ENDED_PATCH` on: with the begun step in the same write, or in a write of their
   * own before a tool step's activity starts. So a step's ending precedes the next step's
   * start in the store and on the stream, and a row of disabled steps costs one write.
   * Undefined when there is nothing to write, as for nearly every tool step: the per-step
   * path then gains no promise.
   */
  stepBegun(run: RunState, index: number, recordsRun: boolean): Promise<void> | undefined {
    const ended = this.endedUnwritten && patched(STEP_ENDED_PATCH);
    if (recordsRun) return ended ? this.writeEnded(run, []) : undefined;
    if (!this.persistence.prepared && !patched(STEP_BEGUN_PATCH)) return ended ? this.writeEnded(run, []) : undefined;
    const step = run.steps[index];
    const begun = step === undefined ? [] : [step];
    if (ended) return this.writeEnded(run, begun);
    return this.record(run, { header: headerOf(run), steps: begun }, this.persistence);
  }

  /**
   * A step ended and no write reached it: a step of a type that runs no tool activity
   * completed, or a step was disabled. The next step's begin writes it (`stepBegun`), a pause
   * with its header (`recordHeader`), the run's ending with every step.
   */
  stepEnded(run: RunState, index: number): void {
    this.stepUnrecorded(run, index);
    this.endedUnwritten = true;
  }

  /** What a step's activity records of a prepared run: its claim until confirmed, and for the last step the ending. */
  recording(run: RunState, start: RunStart, recordsRun: boolean, last: boolean): StepExecution['recording'] {
    if (!this.persistence.prepared || !recordsRun) return undefined;
    const header = last && this.persistence.stepsRecorded ? headerOf(run) : undefined;
    const finish =
      header !== undefined && JSON.stringify(header).length <= MAX_FINISH_HEADER_BYTES
        ? { header, output_variables: start.output_variables }
        : undefined;
    return {
      ...(this.persistence.claim !== undefined && { claim: this.persistence.claim }),
      ...(finish !== undefined && { finish }),
    };
  }

  /**
   * A step completed: what its activity confirmed (the claim) and did not record (the step).
   * `recordsRun`: the step's activity records its attempts (a built-in tool's), so its
   * completion is in the store even when the run's view of the step is not.
   */
  stepCompleted(
    run: RunState,
    index: number,
    outcome: Extract<StepOutcome, { status: 'Completed' }>,
    recordsRun: boolean,
  ): void {
    // An activity that ran with the run's claim and succeeded has claimed the job.
    if (outcome.ended_at !== undefined) this.persistence.claim = undefined;
    if (outcome.recorded !== undefined) return;
    if (recordsRun) this.stepUnrecorded(run, index);
    else this.stepEnded(run, index);
  }

  /** The first activity found the job changed or taken: the run does nothing, as `beginRun` refusing it. */
  claimRefused(error: { code: string }): boolean {
    return this.persistence.claim !== undefined && error.code === failureType('JOB_NOT_STARTABLE');
  }

  /**
   * Writes the run's header (a pause, a resumption), claiming the job first while the claim
   * is unconfirmed; with the step endings no write has reached yet, from `STEP_ENDED_PATCH` on.
   */
  recordHeader(run: RunState): Promise<void> {
    if (this.endedUnwritten && patched(STEP_ENDED_PATCH)) return this.writeEnded(run, []);
    return this.record(run, { header: headerOf(run), steps: [] }, this.persistence);
  }

  /**
   * Ends the run: the ending is applied to a copy, persisted (even while the run is being
   * cancelled), and only then becomes the run's state. So the live state never shows an
   * ending the store does not have yet, and a control call made on what it shows (a retry
   * of a failed job) finds the store agreeing. `recorded`: the last step's activity has
   * recorded the ending already, and the run ends at once; only a write is awaited (every
   * promise of workflow code is tracked by the SDK, at a cost per job).
   */
  finish(run: RunState, end: (final: RunState) => void, recorded: boolean): Promise<void> | undefined {
    return this.persistEnding(run, end, recorded ? undefined : this.persistence);
  }

  /**
   * Ends a cancelled run. No claim with a cancellation: a run cancelled before it claimed
   * its job leaves the job as it was (PENDING), and one that did claim it is recorded
   * through the usual fence.
   */
  finishCancelled(run: RunState, end: (final: RunState) => void): Promise<void> | undefined {
    return this.persistEnding(run, end, { ...this.persistence, claim: undefined });
  }

  private persistEnding(
    run: RunState,
    end: (final: RunState) => void,
    persistence: RunPersistence | undefined,
  ): Promise<void> | undefined {
    const final = JSON.parse(JSON.stringify(run)) as RunState;
    end(final);
    upsertSearchAttributes([{ key: OrdoJobStatus, value: jobStatusOf(final.status) }]);
    if (persistence === undefined) return adopt(run, final);
    // The steps of this execution: an earlier one of the run recorded those before it.
    const write = {
      header: headerOf(final),
      steps: persistence.from === 0 ? final.steps : final.steps.slice(persistence.from),
    };
    // A `beginRun` run records exactly as it always has, so its recorded histories replay.
    const persisted = persistence.prepared
      ? CancellationScope.nonCancellable(() => this.record(final, write, persistence))
      : CancellationScope.nonCancellable(() => runStore.recordRun(write));
    return persisted.then(() => adopt(run, final));
  }

  /**
   * Writes run state through the `recordRun` local activity, claiming the job first while
   * the run's claim is unconfirmed; a refused claim ends the run as `beginRun` refusing would.
   */
  private async record(run: RunState, write: RunRecord, persistence: RunPersistence): Promise<void> {
    const claim = persistence.claim;
    const result = await runStore.recordRun(claim === undefined ? write : { ...write, claim });
    if (result.refused !== undefined) throw notStartable(result.refused);
    persistence.claim = undefined;
    if (!result.applied)
      log.info('Run is no longer the job current run; its record was dropped', { job_id: run.job_id });
  }

  /** Writes the header, the unrecorded steps and `begun` (a step as it begins), in one write. */
  private async writeUnrecorded(run: RunState, begun: RunState['steps'] = []): Promise<void> {
    const steps = [...this.unrecorded.flatMap((index) => run.steps[index] ?? []), ...begun];
    await this.record(run, { header: headerOf(run), steps }, this.persistence);
    this.unrecorded.length = 0;
    this.unrecordedBytes = 0;
    this.endedUnwritten = false;
  }

  /**
   * Writes the header, the unrecorded steps (the endings no write has reached among them)
   * and `begun`, in one write. The store then holds every step as the run does, so the last
   * step's activity may record the run's ending again.
   */
  private async writeEnded(run: RunState, begun: RunState['steps']): Promise<void> {
    await this.writeUnrecorded(run, begun);
    this.persistence.stepsRecorded = true;
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
      prepared: this.persistence.prepared,
      paused: run.paused,
    };
    return continueAsNew<(input: JobWorkflowInput) => Promise<unknown>>({ job_id: run.job_id, continued });
  }
}

/** The persisted ending becomes the run's state. */
function adopt(run: RunState, final: RunState): undefined {
  Object.assign(run, final);
  setCurrentDetails(run.live_output);
  return undefined;
}

/** The run-level part of the run state: everything but the steps. */
export function headerOf(run: RunState): Omit<RunState, 'steps'> {
  const { steps: _steps, ...header } = run;
  return header;
}
