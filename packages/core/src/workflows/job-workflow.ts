import {
  ApplicationFailure,
  CancellationScope,
  condition,
  isCancellation,
  log,
  patched,
  proxyLocalActivities,
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
import type { JobErrorCode } from '../schemas/error-codes';
import type { ControlRefusal, JobWorkflowInput, JobWorkflowResult } from '../schemas/job-workflow-input';
import type { RunError, RunState } from '../schemas/run-state';
import type { RunClaim, RunRecord, RunStart, RunStoreActivities } from '../schemas/run-store-contract';
import {
  beginRunState,
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
import { expressionDocumentOf, jobStatusOf } from '../model/run-views';
import { runStateWindow, windowedExecutionState } from '../model/run-window';
import { activationOf, type Activation } from './activation';
import { BOUNDED_EXPRESSIONS_PATCH, ExpressionPacer } from './expression-pacer';
import { StepInbox } from '../steps/step-inbox';
import { jobSearchAttributes, OrdoJobStatus } from '../search-attributes';
import { isV1Input, jobWorkflowV1, type JobStateUpdateV1 } from './legacy/job-workflow-v1';
import { createRunRequestOf } from './composed-start';
import { readJobWorkflowInput } from './read-input';
import { resumeRun, RunChain } from './run-chain';
import { stepTypeOf, type StepDefinition } from '../steps';
import type { StepExecution } from '../steps/step-type';

// The run store is Ordo's own database, next to the worker: local activities keep its
// reads and writes off the task queue and out of the history but for one marker each.
// Persisting must eventually succeed (a finished job's outputs must not be lost to a
// briefly locked database or a database outage), so attempts are unlimited, and at most 5 s
// apart, so a run goes on within 5 s of the database's return (30 s apart, a run could sit
// 15 s past the end of a 20 s outage). Retries of a local activity leave nothing in the
// history (under the SDK's one-minute threshold they are no timers), so recorded runs replay.
const runStore = proxyLocalActivities<RunStoreActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '5 seconds' },
});

/** The activation of a step with no policy. */
const ALWAYS_ACTIVE: Activation = { active: true };

const now = (): string => new Date().toISOString();

/** A failure type, checked against `JobErrorCode` at compile time (its zod enum is not loaded here). */
const failureType = (code: JobErrorCode): JobErrorCode => code;

/**
 * How the run persists itself. Given only a job ID, it claims the job and reads it through a
 * local activity (`beginRun`), and records its end through another. Begun from a prepared
 * start (the API's), its writes ride on its tool activities instead: the first one claims
 * the job, each one records its step as the run state holds it, and the last one records
 * the run's ending too, so a run that goes straight through costs no local activity. The
 * local activities remain for what no tool activity carries: pauses, failures,
 * cancellation, and any write an activity could not make.
 */
interface Persistence {
  /** The run began from a prepared start: its activities record the run. */
  prepared: boolean;
  /** Sent with writes until a claim is confirmed; undefined once it is (or for a `beginRun` run, which claimed first). */
  claim: RunClaim | undefined;
  /** Every completed step so far was recorded by its activity as the run state holds it. */
  stepsRecorded: boolean;
  /** The first step this execution of the run runs: earlier ones were recorded by an execution it continues (see `RunChain`). */
  from: number;
}

/** A run's header sent to its last activity, at most (bytes of JSON); a larger one is recorded by the workflow. */
const MAX_FINISH_HEADER_BYTES = 128 * 1024;

/** How the loop ended: every step done (`failed` undefined), the ending's time if an activity gave it, and whether it recorded the ending. */
interface LoopEnd {
  failed?: { index: number; error: RunError };
  ended_at?: string;
  recorded: boolean;
}

/**
 * One Ordo job run. It begins (claiming the job, see `Persistence`), then interprets the
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
  const runId = info.firstExecutionRunId;
  let start: RunStart;
  let persistence: Persistence;
  let resumed: RunState | undefined;
  if ('workflow_id' in input) {
    // Composition: the run creates its own job (see `ComposedJobInput`).
    const created = await runStore.createRun(createRunRequestOf(input, info, now()));
    if (!created.ok) throw ApplicationFailure.nonRetryable(created.message, failureType(created.code));
    start = created.start;
    persistence = { prepared: false, claim: undefined, stepsRecorded: false, from: 0 };
  } else if (input.continued !== undefined) {
    // The rest of a run that continued as new: its state is reloaded from the run store.
    ({ start, run: resumed } = await resumeRun(runStore, input.job_id, input.continued));
    persistence = {
      prepared: input.continued.prepared,
      claim: undefined,
      stepsRecorded: input.continued.prepared,
      from: input.continued.from,
    };
  } else if (input.prepared !== undefined) {
    // Which way a run persists itself follows from its input alone, so replaying it takes the same way.
    const { revision, ...prepared } = input.prepared;
    const startedAt = input.started_at ?? now();
    start = { ...prepared, job_id: input.job_id, run_id: runId, started_at: startedAt, reused: [] };
    persistence = {
      prepared: true,
      claim: { job_id: input.job_id, run_id: runId, started_at: startedAt, revision },
      stepsRecorded: true,
      from: 0,
    };
  } else {
    const begun = await runStore.beginRun({
      job_id: input.job_id,
      run_id: runId,
      started_at: input.started_at ?? now(),
      ...(input.retry !== undefined && { retry: input.retry }),
    });
    if (!begun.ok) throw notStartable(begun.message);
    start = begun.start;
    // A retry begins at its step: the steps before it are the failed run's, copied in the store.
    persistence = { prepared: false, claim: undefined, stepsRecorded: false, from: input.retry?.from_step_index ?? 0 };
  }
  const run = resumed ?? beginRunState(start);
  const declared = new Set(start.declared);
  const reusedUntil = start.reused.reduce((max, step) => Math.max(max, step.index + 1), 0);
  const chain = new RunChain(persistence.from, reusedUntil, persistence.prepared, (write) =>
    record(run, write, persistence),
  );

  const inbox = new StepInbox();
  registerHandlers(run, inbox, chain);
  tagRun(run, info.typedSearchAttributes.get(OrdoJobStatus) === undefined);

  try {
    const end = await interpret(run, start, declared, persistence, inbox, chain, pacer);
    const failed = end.failed;
    const at = end.ended_at ?? now();
    const persisting = finish(
      run,
      (final) =>
        failed
          ? runFailed(final, failed.index, failed.error, start.output_variables, at)
          : runCompleted(final, start.output_variables, at),
      end.recorded ? undefined : persistence,
    );
    if (persisting) await persisting;
  } catch (err) {
    if (!isCancellation(err)) throw err;
    // No claim with a cancellation: a run cancelled before it claimed its job leaves the job
    // as it was (PENDING), and one that did claim it is recorded through the usual fence.
    await finish(run, (final) => runCancelled(final, start.output_variables, now()), {
      ...persistence,
      claim: undefined,
    });
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

function notStartable(message: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(message, failureType('JOB_NOT_STARTABLE'));
}

/** The loop: activation, pause gate, dispatch, record; until a step fails or none is left. */
async function interpret(
  run: RunState,
  start: RunStart,
  declared: ReadonlySet<string>,
  persistence: Persistence,
  inbox: StepInbox,
  chain: RunChain,
  pacer: ExpressionPacer,
): Promise<LoopEnd> {
  let batch = start.first;
  for (let index = persistence.from; index < run.total_steps; index++) {
    // A retry reuses the recorded outputs of steps that completed before the failure.
    if (run.steps[index]?.reused_from_run !== undefined) continue;
    // Continue as new (or write what no activity recorded) when due: nearly always nothing, and no await.
    const boundary = chain.atBoundary(run, index);
    if (boundary) {
      await boundary;
      pacer.waited();
    }
    if (run.paused) {
      await pauseGate(run, index, persistence);
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
      // No activity records a disabled step: the run's ending records every step.
      persistence.stepsRecorded = false;
      chain.stepUnrecorded(run, index);
      continue;
    }
    stepStarted(run, index, step.name ?? type.label(step), now());
    setCurrentDetails(run.live_output);
    // A step that runs no tool activity (a wait, a confirmation) cannot claim the job for a
    // prepared run, and may wait for days: the workflow records it as begun, claiming first.
    if (persistence.prepared && !type.recordsRun) {
      await record(run, { header: headerOf(run), steps: [] }, persistence);
      pacer.waited();
    }
    const last = index === run.total_steps - 1;
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
      ...(persistence.prepared && type.recordsRun && { recording: recordingFor(run, start, persistence, last) }),
    });
    // A tool step always waits for its activity; other types may end in the activation they began.
    if (type.recordsRun) pacer.waited();
    switch (outcome.status) {
      case 'Completed': {
        const at = outcome.ended_at ?? now();
        stepCompleted(run, index, outcome, at);
        // An activity that ran with the run's claim and succeeded has claimed the job.
        if (outcome.ended_at !== undefined) persistence.claim = undefined;
        if (outcome.recorded === undefined) {
          persistence.stepsRecorded = false;
          chain.stepUnrecorded(run, index);
        }
        if (last) return { ended_at: at, recorded: outcome.recorded === 'run' };
        break;
      }
      case 'Failed':
        // The first activity found the job changed or taken: the run does nothing, as `beginRun` refusing it.
        if (persistence.claim !== undefined && outcome.error.code === failureType('JOB_NOT_STARTABLE'))
          throw notStartable(outcome.error.message);
        stepFailed(run, index, outcome.error, outcome.attempt, now());
        return { failed: { index, error: outcome.error }, recorded: false };
    }
  }
  return { recorded: false };
}

/** What a step's activity records of a prepared run: its claim until confirmed, and for the last step the ending. */
function recordingFor(
  run: RunState,
  start: RunStart,
  persistence: Persistence,
  last: boolean,
): StepExecution['recording'] {
  const header = last && persistence.stepsRecorded ? headerOf(run) : undefined;
  const finish =
    header !== undefined && JSON.stringify(header).length <= MAX_FINISH_HEADER_BYTES
      ? { header, output_variables: start.output_variables }
      : undefined;
  return {
    ...(persistence.claim !== undefined && { claim: persistence.claim }),
    ...(finish !== undefined && { finish }),
  };
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
async function pauseGate(run: RunState, index: number, persistence: Persistence): Promise<void> {
  pausedAt(run, index);
  setCurrentDetails(run.live_output);
  await record(run, { header: headerOf(run), steps: [] }, persistence);
  await condition(() => !run.paused);
  run.live_output = `Resumed before step ${index + 1} of ${run.total_steps}`;
  await record(run, { header: headerOf(run), steps: [] }, persistence);
}

/**
 * Writes run state through the `recordRun` local activity, claiming the job first while
 * the run's claim is unconfirmed; a refused claim ends the run as `beginRun` refusing would.
 */
async function record(run: RunState, write: RunRecord, persistence: Persistence | undefined): Promise<void> {
  const claim = persistence?.claim;
  const result = await runStore.recordRun(claim === undefined ? write : { ...write, claim });
  if (result.refused !== undefined) throw notStartable(result.refused);
  if (persistence !== undefined) persistence.claim = undefined;
  if (!result.applied) log.info('Run is no longer the job current run; its record was dropped', { job_id: run.job_id });
}

/**
 * Ends the run: the ending is applied to a copy, persisted (even while the run is being
 * cancelled), and only then becomes the run's state. So the live state never shows an
 * ending the store does not have yet, and a control call made on what it shows (a retry
 * of a failed job) finds the store agreeing. `persistence` undefined: the last step's
 * activity has recorded the ending already, and the run ends at once; only a write is
 * awaited (every promise of workflow code is tracked by the SDK, at a cost per job).
 */
function finish(
  run: RunState,
  end: (final: RunState) => void,
  persistence: Persistence | undefined,
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
    ? CancellationScope.nonCancellable(() => record(final, write, persistence))
    : CancellationScope.nonCancellable(() => runStore.recordRun(write));
  return persisted.then(() => adopt(run, final));
}

/** The persisted ending becomes the run's state. */
function adopt(run: RunState, final: RunState): undefined {
  Object.assign(run, final);
  setCurrentDetails(run.live_output);
  return undefined;
}

function headerOf(run: RunState): Omit<RunState, 'steps'> {
  const { steps: _steps, ...header } = run;
  return header;
}

/**
 * Queries answer from memory, the header whole and a bounded window of the steps
 * (`RUN_STATE_WINDOW`); pause and resume arrive as signals or, answered, as the `setPaused` update.
 */
function registerHandlers(run: RunState, inbox: StepInbox, chain: RunChain): void {
  setHandler(executionStateQuery, () => windowedExecutionState(run, chain.window()));
  setHandler(runStateQuery, () => runStateWindow(run, chain.window()));
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
