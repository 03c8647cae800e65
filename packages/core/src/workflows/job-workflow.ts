import {
  ApplicationFailure,
  condition,
  isCancellation,
  log,
  patched,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import {
  confirmUpdate,
  type ConfirmRequest,
  executionStateQuery,
  pauseSignal,
  resumeSignal,
  runStateQuery,
  setPausedUpdate,
} from '../job-workflow-contract';
import type { ControlRefusal, JobWorkflowInput, JobWorkflowResult } from '../schemas/job-workflow-input';
import type { RunError, RunState } from '../schemas/run-state';
import type { RunStart } from '../schemas/run-store-contract';
import {
  isFinishedRun,
  describeLoadedSteps,
  pausedAt,
  runCancelled,
  runCompleted,
  runFailed,
  setPaused,
  stepCompleted,
  stepDisabled,
  stepFailed,
  stepStarted,
} from '../model/run-transitions';
import type { ValueScope } from '../model/mappings';
import { expressionDocumentOf } from '../model/run-views';
import { runStateWindow, windowedExecutionState } from '../model/run-window';
import { activationOf, type Activation } from './activation';
import { BOUNDED_EXPRESSIONS_PATCH, ExpressionPacer } from './expression-pacer';
import { StepInbox } from '../steps/step-inbox';
import { jobSearchAttributes, OrdoJobStatus } from '../search-attributes';
import { isV1Input, jobWorkflowV1, type JobStateUpdateV1 } from './legacy/job-workflow-v1';
import { readJobWorkflowInput } from './read-input';
import { failureType, notStartable } from './run-failures';
import { RunRecorder } from './run-recorder';
import { beginRun } from './run-start-modes';
import { runStore } from './run-store';
import { stepTypeOf, type StepDefinition } from '../steps';

/** The activation of a step with no policy. */
const ALWAYS_ACTIVE: Activation = { active: true };

const now = (): string => new Date().toISOString();

/** How the loop ended: every step done (`failed` undefined), the ending's time if an activity gave it, and whether it recorded the ending. */
interface LoopEnd {
  failed?: { index: number; error: RunError };
  ended_at?: string;
  recorded: boolean;
}

/**
 * One Ordo job run. It begins in its start mode (see `run-start-modes.ts`; its persistence is `RunRecorder`'s), then interprets the
 * job's steps in order: at each step boundary it honours a pause, dispatches the step to
 * its type's executor, and records the outcome in the run state. The run's end is
 * persisted (in a non-cancellable scope when the workflow writes it) before the run state
 * shows it. A cancellation fails the running step and the job ("Job cancelled by user") and
 * is rethrown, so Temporal records the run as Cancelled; a failed step fails the run with
 * `JOB_FAILED`.
 */
export async function jobWorkflow(rawInput: JobWorkflowInput): Promise<JobWorkflowResult>;
export async function jobWorkflow(rawInput: unknown): Promise<JobWorkflowResult | JobStateUpdateV1> {
  // Runs recorded before the run-state design carried their steps in the start argument.
  if (isV1Input(rawInput)) return jobWorkflowV1(rawInput);
  const read = readJobWorkflowInput(rawInput);
  if (!read.ok)
    throw ApplicationFailure.nonRetryable(
      `Invalid job workflow input: ${read.message}`,
      failureType('INVALID_WORKFLOW_INPUT'),
    );
  const input = read.input;
  // Asked before any command, so every replay meets the marker where the code asks for it.
  const pacer = new ExpressionPacer(patched(BOUNDED_EXPRESSIONS_PATCH));
  const info = workflowInfo();
  const { start, run, persistence } = await beginRun(input, info, now);
  const declared = new Set(start.declared);
  const reusedUntil = start.reused.reduce((max, step) => Math.max(max, step.index + 1), 0);
  const recorder = new RunRecorder(persistence, reusedUntil);

  const inbox = new StepInbox();
  registerHandlers(run, inbox, recorder);
  tagRun(run, info.typedSearchAttributes.get(OrdoJobStatus) === undefined);

  try {
    const end = await interpret(run, start, declared, inbox, recorder, pacer);
    const failed = end.failed;
    const at = end.ended_at ?? now();
    const persisting = recorder.finish(
      run,
      (final) =>
        failed
          ? runFailed(final, failed.index, failed.error, start.output_variables, at)
          : runCompleted(final, start.output_variables, at),
      end.recorded,
    );
    if (persisting) await persisting;
  } catch (err) {
    if (!isCancellation(err)) throw err;
    await recorder.finishCancelled(run, (final) => runCancelled(final, start.output_variables, now()));
    log.info('Job cancelled', { job_id: run.job_id });
    throw err;
  }
  const result: JobWorkflowResult = {
    job_id: run.job_id,
    run_id: run.run_id,
    status: run.status,
    output_data: run.output_data ?? {},
    ...(run.error !== undefined && { error: run.error }),
  };
  if (run.status === 'Failed') {
    // The run fails too, so the Web UI, the CLI and a parent workflow all see the failure.
    throw ApplicationFailure.nonRetryable(run.error?.message ?? 'Job failed', failureType('JOB_FAILED'), result);
  }
  return result;
}

/** The loop: activation, pause gate, dispatch, record; until a step fails or none is left. */
async function interpret(
  run: RunState,
  start: RunStart,
  declared: ReadonlySet<string>,
  inbox: StepInbox,
  recorder: RunRecorder,
  pacer: ExpressionPacer,
): Promise<LoopEnd> {
  let batch = start.first;
  for (let index = recorder.from; index < run.total_steps; index++) {
    // A retry reuses the recorded outputs of steps that completed before the failure.
    if (run.steps[index]?.reused_from_run !== undefined) continue;
    // Continue as new (or write what no activity recorded) when due: nearly always nothing, and no await.
    const boundary = recorder.atBoundary(run, index);
    if (boundary) {
      await boundary;
      pacer.waited();
    }
    if (run.paused) {
      await pauseGate(run, index, recorder);
      pacer.waited();
    }
    if (index < batch.from || index >= batch.from + batch.steps.length) {
      batch = await runStore.loadSteps({ job_id: run.job_id, from: index });
      pacer.waited();
      describeLoadedSteps(run, batch.from, batch.steps);
    }
    const step: StepDefinition | undefined = batch.steps[index - batch.from];
    if (!step) throw new Error(`step ${index} of job ${run.job_id} is missing from its definition`);
    const type = stepTypeOf(step);
    const scope = scopeOf(run, declared, pacer);
    // Most steps have no policy: no await, so the per-step hot path gains no promise.
    const activation =
      step.activation_policy === undefined ? ALWAYS_ACTIVE : await activationOf(step.activation_policy, scope);
    if ('failed' in activation) {
      stepStarted(run, index, step.name ?? type.label(step), now());
      const error = { code: failureType('EXPRESSION_FAILED'), message: activation.message };
      stepFailed(run, index, error, 0, now());
      return { failed: { index, error }, recorded: false };
    }
    if (!activation.active) {
      stepDisabled(run, index, activation.note, now());
      // No activity records a disabled step: the next step's begin writes it (or the run's ending).
      recorder.stepEnded(run, index);
      continue;
    }
    stepStarted(run, index, step.name ?? type.label(step), now());
    setCurrentDetails(run.live_output);
    const recordsRun = type.recordsRun(step, batch.tools);
    const begun = recorder.stepBegun(run, index, recordsRun);
    if (begun) {
      await begun;
      pacer.waited();
    }
    const last = index === run.total_steps - 1;
    const recording = recorder.recording(run, start, recordsRun, last);
    const outcome = await type.execute(step, {
      run,
      index,
      address: {
        job_id: run.job_id,
        run_id: run.run_id,
        workflow_id: run.workflow_id,
        step_index: index,
        step_id: step.step_id,
        correlation_id: run.correlation_id,
      },
      variables: run.variables,
      declared,
      scope,
      inbox,
      tools: batch.tools,
      update: (patch) => Object.assign(run.steps[index] ?? {}, patch),
      ...(recording !== undefined && { recording }),
    });
    // A tool step always waits for its activity; other types may end in the activation they began.
    if (type.runsActivity) pacer.waited();
    switch (outcome.status) {
      case 'Completed': {
        const at = outcome.ended_at ?? now();
        stepCompleted(run, index, outcome, at);
        recorder.stepCompleted(run, index, outcome, recordsRun);
        if (last) return { ended_at: at, recorded: outcome.recorded === 'run' };
        break;
      }
      case 'Failed':
        if (recorder.claimRefused(outcome.error)) throw notStartable(outcome.error.message);
        stepFailed(run, index, outcome.error, outcome.attempt, now());
        return { failed: { index, error: outcome.error }, recorded: false };
    }
  }
  return { recorded: false };
}

/** How a step's value sources resolve: the run's variables, the expression document built at most once, the run's pacer. */
function scopeOf(run: RunState, declared: ReadonlySet<string>, pacer: ExpressionPacer): ValueScope {
  let document: Record<string, unknown> | undefined;
  return {
    variables: run.variables,
    declared,
    document: () => (document ??= expressionDocumentOf(run)),
    evaluate: pacer.forStep(),
  };
}

/** Holds the run at a step boundary while it is paused, recording the pause and the resumption. */
async function pauseGate(run: RunState, index: number, recorder: RunRecorder): Promise<void> {
  pausedAt(run, index);
  setCurrentDetails(run.live_output);
  await recorder.recordHeader(run);
  await condition(() => !run.paused);
  run.live_output = `Resumed before step ${index + 1} of ${run.total_steps}`;
  await recorder.recordHeader(run);
}

/**
 * Queries answer from memory, the header whole and a bounded window of the steps
 * (`RUN_STATE_WINDOW`); pause and resume arrive as signals or, answered, as the `setPaused` update.
 */
function registerHandlers(run: RunState, inbox: StepInbox, recorder: RunRecorder): void {
  setHandler(executionStateQuery, () => windowedExecutionState(run, recorder.window()));
  setHandler(runStateQuery, () => runStateWindow(run, recorder.window()));
  const request = (paused: boolean): void => {
    if (isFinishedRun(run.status) || run.paused === paused) return;
    setPaused(run, paused, now());
  };
  setHandler(pauseSignal, () => request(true));
  setHandler(resumeSignal, () => request(false));
  setHandler(
    setPausedUpdate,
    ({ paused }) => {
      request(paused);
      return { paused: run.paused, status: run.status };
    },
    {
      validator: ({ paused }: { paused: boolean }) => {
        const refusal = pauseRefusal(run, paused);
        if (refusal) throw ApplicationFailure.nonRetryable(refusalMessage(refusal), refusal);
      },
    },
  );
  setHandler(
    confirmUpdate,
    ({ step_id, payload }) => {
      inbox.deliver(step_id, payload);
      return { step_id, accepted: true };
    },
    {
      validator: ({ step_id, payload }: ConfirmRequest) => {
        const refusal = inbox.refusal(step_id, payload);
        if (refusal) throw ApplicationFailure.nonRetryable(refusal, failureType('CONFIRMATION_REFUSED'));
      },
    },
  );
}

function pauseRefusal(run: RunState, paused: boolean): ControlRefusal | undefined {
  if (isFinishedRun(run.status)) return 'RUN_FINISHED';
  if (paused && run.paused) return 'ALREADY_PAUSED';
  if (!paused && !run.paused) return 'NOT_PAUSED';
  return undefined;
}

function refusalMessage(refusal: ControlRefusal): string {
  switch (refusal) {
    case 'RUN_FINISHED':
      return 'the job has finished';
    case 'ALREADY_PAUSED':
      return 'the job is already paused';
    case 'NOT_PAUSED':
      return 'the job is not paused';
  }
}

/**
 * A run started outside the API (the Temporal CLI, a parent workflow) has no search
 * attributes yet; set them so it can be found like any other. A run the API started has
 * them from its start request, which costs no history event.
 */
function tagRun(run: RunState, untagged: boolean): void {
  if (!untagged) return;
  upsertSearchAttributes(jobSearchAttributes(run));
}
