import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import type {
  RecordedCompletion,
  RunClaim,
  RunRecording,
  StepAddress,
  ToolActivities,
  ToolActivityResult,
} from '@ordo/core';
import type { ToolActivity, ToolCallResult, ToolLogger, WatchAttempt } from '@ordo/tools';
import type { StepAttemptRecorder } from './step-attempt-recorder';

/** How the step recording behaves; every field has a default. */
export interface StepRecordingOptions {
  /** How long a first attempt runs before its start is recorded (default 500 ms). */
  startRecordDelayMs?: number;
}

const START_RECORD_DELAY_MS = 500;

/**
 * Ordo's tool activities as the worker registers them: each tool's activity from the tool
 * kit, with its step recorded around it in the same activity (no activity of its own per
 * step, the measured fast path). Before the tool: the run's claim, for a run begun from a
 * prepared start. While it runs: the attempt's start and progress. After: how it ended,
 * the step as the workflow holds it and, for the last step, the run's ending (see
 * `RunRecording`). The wire stays as it was: the same activity names, the same argument
 * (`ToolActivityInput`, whose `run` the tool kit never sees) and result.
 */
export function recordedToolActivities(
  activities: Readonly<Record<string, ToolActivity>>,
  recorder: StepAttemptRecorder,
  options: StepRecordingOptions = {},
): ToolActivities {
  const delayMs = options.startRecordDelayMs ?? START_RECORD_DELAY_MS;
  return Object.fromEntries(
    Object.entries(activities).map(([toolId, activity]) => [
      toolId,
      async ({ step, params, run }): Promise<ToolActivityResult> => {
        // The run's claim comes first: a run that may not have the job runs no tool.
        if (run?.claim !== undefined) await claimJob(recorder, run.claim);
        let attempt: AttemptRecording | undefined;
        const watch: WatchAttempt = (begun) => (attempt = new AttemptRecording(recorder, step, begun, delayMs));
        try {
          const result = await activity({ step, params }, watch);
          if (attempt === undefined) return result;
          if (attempt.earlier !== undefined) return recordedResult(attempt.earlier, run);
          const endedAt = await attempt.ended();
          const recorded = await attempt.bestEffort('attempt result', () =>
            recorder.succeeded(step, attempt!.number, result.outputs, attempt!.startedAt, endedAt, run),
          );
          return {
            ...result,
            ...(run !== undefined && { ended_at: endedAt, ...(recorded !== undefined && { recorded }) }),
          };
        } catch (failure) {
          if (attempt !== undefined) await attempt.failed(failure);
          throw failure;
        }
      },
    ]),
  );
}

/** One attempt's records: its start (delayed for a first attempt), its progress, and how it ended. */
class AttemptRecording {
  readonly number: number;
  readonly startedAt = new Date().toISOString();
  /** A completion an earlier attempt recorded, which this one returned instead of running the tool. */
  earlier: RecordedCompletion | undefined;
  private readonly log: ToolLogger;
  private startRecorded: Promise<RecordedCompletion | undefined> | undefined;
  private readonly startTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly recorder: StepAttemptRecorder,
    private readonly step: StepAddress,
    begun: { attempt: number; log: ToolLogger },
    delayMs: number,
  ) {
    this.number = begun.attempt;
    this.log = begun.log;
    // A first attempt's start is recorded only once it has run a moment (or reports
    // progress): most steps end sooner, and their end is one write that says it all. A
    // retry's is recorded right before its tool runs (see `beforeRun`).
    this.startTimer = this.number > 1 ? undefined : setTimeout(() => void this.recordStart(), delayMs);
  }

  private recordStart(): Promise<RecordedCompletion | undefined> {
    return (this.startRecorded ??= this.bestEffort('attempt start', () =>
      this.recorder.started(this.step, this.number, this.startedAt),
    ));
  }

  /**
   * A retry may follow an attempt whose tool completed and recorded it, but whose result
   * never reached Temporal (its worker died, Temporal was down): it returns that result
   * instead of running the tool again. Its start is recorded, unless the step is already
   * completed, in one conditional write as late as it can be, right before the tool runs,
   * so a completion recorded meanwhile is still seen. Only a completion recorded after
   * that (an earlier attempt still running, its heartbeats lost) lets both run; and a
   * record that cannot be read runs the tool, as an attempt that cannot record does.
   */
  readonly beforeRun = async (): Promise<ToolCallResult | undefined> => {
    const earlier = this.number > 1 ? await this.recordStart() : undefined;
    if (earlier === undefined) return undefined;
    this.log.info('Step already completed by an earlier attempt; returning its recorded result', {
      completed_by_attempt: earlier.attempt,
    });
    this.earlier = earlier;
    return { outputs: earlier.outputs, attempt: earlier.attempt };
  };

  readonly progress = ({ message, fraction }: { message: string; fraction?: number }): void => {
    void this.recordStart().then(() =>
      this.bestEffort('progress', () =>
        this.recorder.progress(this.step, this.number, message, fraction, new Date().toISOString()),
      ),
    );
  };

  /** The tool is done: no start is recorded any more, one under way is awaited; answers the time it ended. */
  async ended(): Promise<string> {
    clearTimeout(this.startTimer);
    await this.startRecorded;
    return new Date().toISOString();
  }

  /** Records a failed attempt (what the tool kit threw: an `ApplicationFailure` is recorded, a cancellation is not). */
  async failed(failure: unknown): Promise<void> {
    const at = await this.ended();
    if (!(failure instanceof ApplicationFailure)) return;
    const error = { code: failure.type ?? 'TOOL_FAILED', message: failure.message };
    await this.bestEffort('attempt failure', () =>
      this.recorder.failed(this.step, this.number, error, !failure.nonRetryable, this.startedAt, at),
    );
  }

  async bestEffort<T>(what: string, write: () => Promise<T>): Promise<T | undefined> {
    try {
      return await write();
    } catch (err) {
      // The job's stored state is a view of the run; failing to update it must not fail the tool.
      this.log.warn(`Could not record the ${what}; continuing`, {
        error: err instanceof Error ? err.message : String(err),
      });
      return undefined;
    }
  }
}

/**
 * What an activity returns for a completion an earlier attempt recorded: what that attempt
 * returned, so the workflow goes on as if its result had arrived, the step showing the
 * attempt that ran the tool; with the recorded completion time also for a run started with
 * only a job_id (whose workflow would otherwise stamp the time the retry's result arrived);
 * for a prepared run, that the step, and the run's ending if that attempt recorded it, need
 * no write of the workflow's.
 */
function recordedResult(earlier: RecordedCompletion, run: RunRecording | undefined): ToolActivityResult {
  return {
    outputs: earlier.outputs,
    attempt: earlier.attempt,
    ended_at: earlier.completed_at,
    ...(run !== undefined && { recorded: earlier.run_ended ? 'run' : 'step' }),
  };
}

/**
 * Claims the job for a run begun from a prepared start. A refusal is final (the run does
 * nothing: `JOB_NOT_STARTABLE`); a claim that could not be written fails the attempt, to be
 * retried (the worker's recorder first waits out a database outage within the attempt), and
 * an attempt cancelled meanwhile reports its cancellation.
 */
async function claimJob(recorder: StepAttemptRecorder, claim: RunClaim): Promise<void> {
  let result: Awaited<ReturnType<StepAttemptRecorder['claim']>>;
  try {
    result = await recorder.claim(claim);
  } catch (err) {
    if (err instanceof CancelledFailure) throw err;
    throw ApplicationFailure.create({
      type: 'TOOL_FAILED',
      message: `Could not claim the job for this run: ${err instanceof Error ? err.message : String(err)}`,
      nonRetryable: false,
    });
  }
  if (!result.ok)
    throw ApplicationFailure.create({ type: 'JOB_NOT_STARTABLE', message: result.message, nonRetryable: true });
}
