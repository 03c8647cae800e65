import {
  ApplicationFailure,
  CancellationScope,
  condition,
  isCancellation,
  log,
  proxyLocalActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { confirmUpdate, type ConfirmRequest, executionStateQuery, pauseSignal, resumeSignal, runStateQuery, setPausedUpdate } from '../job-workflow-contract';
import type { JobErrorCode } from '../model/error-codes';
import type { ControlRefusal, JobWorkflowInput, JobWorkflowResult } from '../model/job-workflow-input';
import type { RunError, RunState } from '../model/run-state';
import type { RunStoreActivities, StepBatch } from '../model/run-store-contract';
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
import { expressionDocumentOf, jobStatusOf, runExecutionState } from '../model/run-views';
import { activationOf, type Activation } from './activation';
import { StepInbox } from './step-inbox';
import { jobSearchAttributes, OrdoJobStatus } from '../search-attributes';
import { isV1Input, jobWorkflowV1, type JobStateUpdateV1 } from './legacy/job-workflow-v1';
import { readJobWorkflowInput } from './read-input';
import { stepTypeOf, type StepDefinition } from './steps';

// The run store is Ordo's own database, next to the worker: local activities keep its
// reads and writes off the task queue and out of the history but for one marker each.
// Persisting must eventually succeed (a finished job's outputs must not be lost to a
// briefly locked database), so attempts are unlimited.
const runStore = proxyLocalActivities<RunStoreActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

/** The activation of a step with no policy. */
const ALWAYS_ACTIVE: Activation = { active: true };

const now = (): string => new Date().toISOString();

/** A failure type, checked against `JobErrorCode` at compile time (its zod enum is not loaded here). */
const failureType = (code: JobErrorCode): JobErrorCode => code;

/**
 * One Ordo job run. It claims the job, then interprets the job's steps in order: at each
 * step boundary it honours a pause, dispatches the step to its type's executor, and
 * records the outcome in the run state. The run state is persisted through local
 * activities at the start, at pauses and at the end (the end in a non-cancellable scope);
 * tool activities record attempts and progress as they happen. A cancellation fails the
 * running step and the job ("Job cancelled by user") and is rethrown, so Temporal records
 * the run as Cancelled; a failed step fails the run with `JOB_FAILED`.
 */
export async function jobWorkflow(rawInput: JobWorkflowInput): Promise<JobWorkflowResult>;
export async function jobWorkflow(rawInput: unknown): Promise<JobWorkflowResult | JobStateUpdateV1> {
  // Runs recorded before the run-state design carried their steps in the start argument.
  if (isV1Input(rawInput)) return jobWorkflowV1(rawInput);
  const read = readJobWorkflowInput(rawInput);
  if (!read.ok) throw ApplicationFailure.nonRetryable(`Invalid job workflow input: ${read.message}`, failureType('INVALID_WORKFLOW_INPUT'));
  const input = read.input;
  const info = workflowInfo();
  const begun = await runStore.beginRun({
    job_id: input.job_id,
    run_id: info.firstExecutionRunId,
    started_at: input.started_at ?? now(),
    ...(input.retry !== undefined && { retry: input.retry }),
  });
  if (!begun.ok) throw ApplicationFailure.nonRetryable(begun.message, failureType('JOB_NOT_STARTABLE'));
  const start = begun.start;
  const run = beginRunState(start);
  const declared = new Set(start.declared);

  const inbox = new StepInbox();
  registerHandlers(run, inbox);
  tagRun(run, info.typedSearchAttributes.get(OrdoJobStatus) === undefined);

  try {
    const ending = await interpret(run, start.first, declared, inbox);
    await finish(run, (final) => (ending ? runFailed(final, ending.index, ending.error, start.output_variables, now()) : runCompleted(final, start.output_variables, now())));
  } catch (err) {
    if (!isCancellation(err)) throw err;
    await finish(run, (final) => runCancelled(final, start.output_variables, now()));
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

/** The loop: pause gate, dispatch, record; until a step fails (returned) or none is left. */
async function interpret(run: RunState, first: StepBatch, declared: ReadonlySet<string>, inbox: StepInbox): Promise<{ index: number; error: RunError } | undefined> {
  let batch = first;
  for (let index = 0; index < run.total_steps; index++) {
    // A retry reuses the recorded outputs of steps that completed before the failure.
    if (run.steps[index]?.reused_from_run !== undefined) continue;
    await pauseGate(run, index);
    if (index < batch.from || index >= batch.from + batch.steps.length) {
      batch = await runStore.loadSteps({ job_id: run.job_id, from: index });
      describeLoadedSteps(run, batch.from, batch.steps);
    }
    const step: StepDefinition | undefined = batch.steps[index - batch.from];
    if (!step) throw new Error(`step ${index} of job ${run.job_id} is missing from its definition`);
    const type = stepTypeOf(step);
    const scope = scopeOf(run, declared);
    // Most steps have no policy: no await, so the per-step hot path gains no promise.
    const activation = step.activation_policy === undefined ? ALWAYS_ACTIVE : await activationOf(step.activation_policy, scope);
    if ('failed' in activation) {
      stepStarted(run, index, step.name ?? type.label(step), now());
      const error = { code: failureType('EXPRESSION_FAILED'), message: activation.message };
      stepFailed(run, index, error, 0, now());
      return { index, error };
    }
    if (!activation.active) {
      stepDisabled(run, index, activation.note, now());
      continue;
    }
    stepStarted(run, index, step.name ?? type.label(step), now());
    setCurrentDetails(run.live_output);
    const outcome = await type.execute(step, {
      run,
      index,
      address: { job_id: run.job_id, run_id: run.run_id, workflow_id: run.workflow_id, step_index: index, step_id: step.step_id, correlation_id: run.correlation_id },
      variables: run.variables,
      declared,
      scope,
      inbox,
      tools: batch.tools,
      update: (patch) => Object.assign(run.steps[index] ?? {}, patch),
    });
    switch (outcome.status) {
      case 'Completed':
        stepCompleted(run, index, outcome, now());
        break;
      case 'Failed':
        stepFailed(run, index, outcome.error, outcome.attempt, now());
        return { index, error: outcome.error };
    }
  }
  return undefined;
}

/** How a step's value sources resolve: the run's variables, and the expression document built at most once. */
function scopeOf(run: RunState, declared: ReadonlySet<string>): ValueScope {
  let document: Record<string, unknown> | undefined;
  return { variables: run.variables, declared, document: () => (document ??= expressionDocumentOf(run)) };
}

/** Holds the run at a step boundary while it is paused, recording the pause and the resumption. */
async function pauseGate(run: RunState, index: number): Promise<void> {
  if (!run.paused) return;
  pausedAt(run, index);
  setCurrentDetails(run.live_output);
  await runStore.recordRun({ header: headerOf(run), steps: [] });
  await condition(() => !run.paused);
  run.live_output = `Resumed before step ${index + 1} of ${run.total_steps}`;
  await runStore.recordRun({ header: headerOf(run), steps: [] });
}

/**
 * Ends the run: the ending is applied to a copy, persisted (even while the run is being
 * cancelled), and only then becomes the run's state. So the live state never shows an
 * ending the store does not have yet, and a control call made on what it shows (a retry
 * of a failed job) finds the store agreeing.
 */
async function finish(run: RunState, end: (final: RunState) => void): Promise<void> {
  const final = JSON.parse(JSON.stringify(run)) as RunState;
  end(final);
  upsertSearchAttributes([{ key: OrdoJobStatus, value: jobStatusOf(final.status) }]);
  await CancellationScope.nonCancellable(() => runStore.recordRun({ header: headerOf(final), steps: final.steps }));
  Object.assign(run, final);
  setCurrentDetails(run.live_output);
  log.info('Job finished', { job_id: run.job_id, status: run.status });
}

function headerOf(run: RunState): Omit<RunState, 'steps'> {
  const { steps: _steps, ...header } = run;
  return header;
}

/** Queries answer from memory; pause and resume arrive as signals or, answered, as the `setPaused` update. */
function registerHandlers(run: RunState, inbox: StepInbox): void {
  setHandler(executionStateQuery, () => runExecutionState(run));
  setHandler(runStateQuery, () => run);
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
