import {
  WorkflowClient,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type Client,
  type WorkflowHandle,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import {
  ControlRefusal,
  JOB_WORKFLOW_TYPE,
  jobSearchAttributes,
  RunState,
  runStateQuery,
  setPausedUpdate,
  confirmUpdate,
  type SchemaValue,
  type JobRecord,
  type JobRunInput,
  type OutsideEnding,
} from '@ordo/core';

/**
 * Ordo's side of talking to a job's Temporal runs. Every call has a deadline, so an API
 * request never hangs on an unreachable server, and answers with a coded result that the
 * job service handles case by case.
 */

// A query needs a worker to answer; when none answers in time the API says the view is stale.
const QUERY_DEADLINE_MS = 2000;
// Long enough for a healthy server under load, short enough that a refused start is heard while the client waits.
const START_DEADLINE_MS = 10_000;
const CONTROL_DEADLINE_MS = 10_000;

export type StartRunResult =
  { ok: true; run_id: string } | { ok: false; code: 'ALREADY_RUNNING' | 'TEMPORAL_UNAVAILABLE'; message: string };

/** The memo field naming the Idempotency-Key (its digest) of the request that started a run. */
const IDEMPOTENCY_MEMO = 'ordo_idempotency_id';

/**
 * Starts a run of a job: a new Temporal run under the job's workflow ID. At most one run
 * of a job is open at a time (Temporal refuses a second); a closed one may be followed by
 * a new one (reset and start again, retry). `idempotencyId`, the start request's key, is
 * kept in the run's memo, so a retry of that request can tell the run it started.
 */
export async function startRun(
  client: Client,
  taskQueue: string,
  job: JobRecord,
  input: JobRunInput,
  idempotencyId?: string,
): Promise<StartRunResult> {
  try {
    const handle = await client.withDeadline(Date.now() + START_DEADLINE_MS, () =>
      client.workflow.start(JOB_WORKFLOW_TYPE, {
        workflowId: job.job_id,
        taskQueue,
        args: [input],
        workflowIdConflictPolicy: 'FAIL',
        workflowIdReusePolicy: 'ALLOW_DUPLICATE',
        typedSearchAttributes: jobSearchAttributes(job),
        staticSummary: `${job.name} (${job.workflow_id} v${job.workflow_version})${input.retry ? ' · retry' : ''}`,
        staticDetails: `Ordo job ${job.job_id}: ${job.steps.length} steps`,
        ...(idempotencyId !== undefined && { memo: { [IDEMPOTENCY_MEMO]: idempotencyId } }),
      }),
    );
    return { ok: true, run_id: handle.firstExecutionRunId };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError)
      return { ok: false, code: 'ALREADY_RUNNING', message: 'a run of this job is already in progress' };
    return {
      ok: false,
      code: 'TEMPORAL_UNAVAILABLE',
      message: `could not start the job's workflow: ${(err as Error).message}`,
    };
  }
}

function runHandle(client: Client, jobId: string, runId: string): WorkflowHandle {
  // The chain that began with this run: the same job run across continue-as-new, never a later run of the job.
  return client.workflow.getHandle(jobId, undefined, { firstExecutionRunId: runId });
}

/**
 * The open run of a job, if Temporal has one: a run that was started but has not claimed
 * its job yet (no worker has picked it up) is known only to Temporal.
 */
export async function openRunOf(client: Client, jobId: string): Promise<string | undefined> {
  try {
    const description = await client.withDeadline(Date.now() + QUERY_DEADLINE_MS, () =>
      client.workflow.getHandle(jobId).describe(),
    );
    if (description.status.name !== 'RUNNING') return undefined;
    // The job run is the chain's first execution: a run that continued as new is still the run it began as.
    return description.raw.workflowExecutionInfo?.firstRunId || description.runId;
  } catch {
    return undefined;
  }
}

/**
 * Whether the run `runId` of a job (its chain's first execution) was started by a request
 * with the Idempotency-Key `idempotencyId`; undefined when Temporal does not answer.
 */
export async function runStartedWith(
  client: Client,
  jobId: string,
  runId: string,
  idempotencyId: string,
): Promise<boolean | undefined> {
  try {
    const description = await client.withDeadline(Date.now() + QUERY_DEADLINE_MS, () =>
      client.workflow.getHandle(jobId, runId).describe(),
    );
    return description.memo?.[IDEMPOTENCY_MEMO] === idempotencyId;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return false;
    return undefined;
  }
}

/**
 * Where a job run's chain of Temporal executions stands: still open, closed (with how, when
 * the run could not have recorded its ending: terminated, timed out, failed), or unknown
 * (Temporal does not answer, or a later run of the job is all it describes).
 */
export type ChainState =
  { state: 'open' } | { state: 'closed'; ending: OutsideEnding | undefined } | { state: 'unknown' };

/**
 * How the chain that began with `runId` stands now: its latest execution described, and for
 * one closed outside the run's own control, its close event read for the reason.
 */
export async function chainStateOf(client: Client, jobId: string, runId: string): Promise<ChainState> {
  try {
    const description = await client.withDeadline(Date.now() + QUERY_DEADLINE_MS, () =>
      client.workflow.getHandle(jobId).describe(),
    );
    // The latest execution of the workflow ID; continue-as-new keeps the chain's first run ID on it.
    const firstRunId = description.raw.workflowExecutionInfo?.firstRunId || description.runId;
    if (firstRunId !== runId) return { state: 'unknown' };
    switch (description.status.name) {
      case 'RUNNING':
      case 'CONTINUED_AS_NEW':
      case 'PAUSED':
        return { state: 'open' };
      case 'UNSPECIFIED':
      case 'UNKNOWN':
        return { state: 'unknown' };
      case 'COMPLETED':
      case 'CANCELLED':
        // The run recorded its ending itself before closing so.
        return { state: 'closed', ending: undefined };
      case 'TIMED_OUT':
        return { state: 'closed', ending: { kind: 'timed_out' } };
      case 'TERMINATED':
      case 'FAILED': {
        const history = await client.withDeadline(Date.now() + QUERY_DEADLINE_MS, () =>
          client.workflowService.getWorkflowExecutionHistoryReverse({
            namespace: client.options.namespace,
            execution: { workflowId: jobId, runId: description.runId },
            maximumPageSize: 1,
          }),
        );
        const last = history.history?.events?.[0];
        return description.status.name === 'TERMINATED'
          ? {
              state: 'closed',
              ending: { kind: 'terminated', reason: last?.workflowExecutionTerminatedEventAttributes?.reason ?? '' },
            }
          : {
              state: 'closed',
              ending: { kind: 'failed', reason: last?.workflowExecutionFailedEventAttributes?.failure?.message ?? '' },
            };
      }
    }
  } catch {
    return { state: 'unknown' };
  }
}

const openOnlyClients = new WeakMap<Client, WorkflowClient>();

/**
 * The client's workflow client, on the same connection, whose queries a closed execution
 * refuses: Temporal would otherwise answer one by replaying its history, and a run ended
 * outside Ordo (terminated) would show as running, from its last workflow state, for ever.
 */
function openOnlyQueries(client: Client): WorkflowClient {
  let workflows = openOnlyClients.get(client);
  if (!workflows) {
    // Everything but the reject condition as the client's own: its data converter, identity and interceptors.
    const { namespace, dataConverter, identity, interceptors } = client.workflow.options;
    workflows = new WorkflowClient({
      connection: client.connection,
      namespace,
      dataConverter,
      identity,
      interceptors,
      queryRejectCondition: 'NOT_OPEN',
    });
    openOnlyClients.set(client, workflows);
  }
  return workflows;
}

/**
 * A run's live state from its workflow's memory, or undefined when it does not answer in
 * time, or its executions have closed (the caller then asks how they closed).
 */
export async function liveRunState(client: Client, jobId: string, runId: string): Promise<RunState | undefined> {
  let timer: NodeJS.Timeout | undefined;
  // The gRPC deadline alone can run past its time while the client backs off between
  // reconnection attempts; the timer holds the read to its deadline whatever happens below.
  const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), QUERY_DEADLINE_MS)));
  const workflows = openOnlyQueries(client);
  const query = workflows
    .withDeadline(Date.now() + QUERY_DEADLINE_MS, () =>
      workflows.getHandle(jobId, undefined, { firstExecutionRunId: runId }).query(runStateQuery),
    )
    .then((raw) => RunState.safeParse(raw).data)
    .catch(() => undefined);
  try {
    return await Promise.race([query, late]);
  } finally {
    clearTimeout(timer);
  }
}

export type SetPausedResult =
  { ok: true; paused: boolean } | { ok: false; code: ControlRefusal | 'TEMPORAL_UNAVAILABLE'; message: string };

/** Pauses or resumes a run through the `setPaused` update: answered once the workflow applied it. */
export async function setRunPaused(
  client: Client,
  jobId: string,
  runId: string,
  paused: boolean,
): Promise<SetPausedResult> {
  try {
    const result = await client.withDeadline(Date.now() + CONTROL_DEADLINE_MS, () =>
      runHandle(client, jobId, runId).executeUpdate(setPausedUpdate, { args: [{ paused }] }),
    );
    return { ok: true, paused: result.paused };
  } catch (err) {
    const refusal =
      err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure
        ? ControlRefusal.safeParse(err.cause.type).data
        : undefined;
    if (refusal)
      return { ok: false, code: refusal, message: (err as WorkflowUpdateFailedError).cause?.message ?? refusal };
    return runUnreachable(err, 'reach');
  }
}

export type ConfirmStepResult =
  { ok: true } | { ok: false; code: 'CONFIRMATION_REFUSED' | 'RUN_FINISHED' | 'TEMPORAL_UNAVAILABLE'; message: string };

/** Confirms a waiting `sys.human_confirm` step through the `confirm` update: answered once the workflow took it. */
export async function confirmRunStep(
  client: Client,
  jobId: string,
  runId: string,
  stepId: string,
  payload: SchemaValue | undefined,
): Promise<ConfirmStepResult> {
  try {
    await client.withDeadline(Date.now() + CONTROL_DEADLINE_MS, () =>
      runHandle(client, jobId, runId).executeUpdate(confirmUpdate, {
        args: [{ step_id: stepId, ...(payload !== undefined && { payload }) }],
      }),
    );
    return { ok: true };
  } catch (err) {
    if (
      err instanceof WorkflowUpdateFailedError &&
      err.cause instanceof ApplicationFailure &&
      err.cause.type === 'CONFIRMATION_REFUSED'
    ) {
      return { ok: false, code: 'CONFIRMATION_REFUSED', message: err.cause.message };
    }
    return runUnreachable(err, 'reach');
  }
}

export type CancelRunResult =
  { ok: true; closed: boolean } | { ok: false; code: 'RUN_FINISHED' | 'TEMPORAL_UNAVAILABLE'; message: string };

/**
 * Requests Temporal's native cancellation of a run (the same as `temporal workflow cancel`
 * or the Web UI's button), then waits up to `waitMs` for the run to close, so the caller
 * usually answers with the final state.
 */
export async function cancelRun(
  client: Client,
  jobId: string,
  runId: string,
  waitMs: number,
): Promise<CancelRunResult> {
  const handle = runHandle(client, jobId, runId);
  try {
    await client.withDeadline(Date.now() + CONTROL_DEADLINE_MS, () => handle.cancel());
  } catch (err) {
    return runUnreachable(err, 'cancel');
  }
  return { ok: true, closed: await waitForClose(client, handle, waitMs) };
}

/** Ends a run at once, without letting it clean up: only for a run that did not close when cancelled. */
export async function terminateRun(client: Client, jobId: string, runId: string, reason: string): Promise<void> {
  try {
    await client.withDeadline(Date.now() + CONTROL_DEADLINE_MS, () =>
      runHandle(client, jobId, runId).terminate(reason),
    );
  } catch (err) {
    if (err instanceof WorkflowNotFoundError || isCompletedError(err)) return;
    throw err;
  }
}

/** Waits up to `waitMs` for a run to close: true once it has, false when the wait ran out. */
export function awaitRunClosed(client: Client, jobId: string, runId: string, waitMs: number): Promise<boolean> {
  return waitForClose(client, runHandle(client, jobId, runId), waitMs);
}

async function waitForClose(client: Client, handle: WorkflowHandle, waitMs: number): Promise<boolean> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), waitMs)));
  // result() rejects when the run fails or is cancelled: either way it has closed. Aborting
  // it on time-out ends its long poll instead of leaving it open until the run closes.
  const closed = client
    .withAbortSignal(controller.signal, () => handle.result())
    .then(
      () => true,
      (err: unknown) => !controller.signal.aborted && !(err instanceof Error && err.name === 'AbortError'),
    );
  try {
    return await Promise.race([closed, timeout]);
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
}

function isCompletedError(err: unknown): boolean {
  return err instanceof Error && /already completed|not found/i.test(err.message);
}

/**
 * What a control call that failed met instead of the run: its end (the workflow is gone or
 * closed), or no answer from Temporal, saying what could not be done (`reach`, `cancel`).
 */
function runUnreachable(
  err: unknown,
  verb: 'reach' | 'cancel',
): { ok: false; code: 'RUN_FINISHED' | 'TEMPORAL_UNAVAILABLE'; message: string } {
  if (err instanceof WorkflowNotFoundError || isCompletedError(err))
    return { ok: false, code: 'RUN_FINISHED', message: 'the run has finished' };
  return {
    ok: false,
    code: 'TEMPORAL_UNAVAILABLE',
    message: `could not ${verb} the job's workflow: ${(err as Error).message}`,
  };
}
