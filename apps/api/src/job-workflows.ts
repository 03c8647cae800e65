import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import {
  EXECUTION_STATE_QUERY,
  ExecutionState,
  JOB_WORKFLOW_TYPE,
  jobWorkflowInput,
  OrdoJobId,
  OrdoJobStatus,
  OrdoWorkflowId,
  type Job,
} from '@ordo/core';
import { ApiProblem } from './problem';

// A query needs a worker to answer; when none is up the API falls back to the stored
// job rather than hanging the request.
const QUERY_DEADLINE_MS = 3000;
// Long enough for a healthy server under load, short enough that a client whose start
// is refused hears it while still waiting on its request.
const START_DEADLINE_MS = 10_000;

/**
 * Starts the Temporal workflow of a job; its workflow ID is the job_id. A run that
 * already exists counts as started: only an earlier start whose answer was lost can
 * have made it, since the store lets each job be claimed for starting once.
 */
export async function startJobWorkflow(client: Client, taskQueue: string, job: Job): Promise<void> {
  try {
    await client.withDeadline(Date.now() + START_DEADLINE_MS, () => client.workflow.start(JOB_WORKFLOW_TYPE, {
      workflowId: job.job_id,
      taskQueue,
      args: [jobWorkflowInput(job)],
      typedSearchAttributes: [
        { key: OrdoJobId, value: job.job_id },
        { key: OrdoWorkflowId, value: job.workflow_id },
        { key: OrdoJobStatus, value: 'RUNNING' },
      ],
      memo: { name: job.name },
      staticSummary: `${job.name} (${job.workflow_id} v${job.workflow_version})`,
      staticDetails: `Ordo job ${job.job_id}: ${job.steps.length} steps`,
    }));
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return;
    throw new ApiProblem(503, 'TEMPORAL_UNAVAILABLE', 'Temporal unavailable', `could not start the job's workflow: ${(err as Error).message}`);
  }
}

/**
 * A running job's live execution state: the workflow's `executionState` query, with
 * `live_output` carrying the running tool's last progress message (its heartbeat
 * details, e.g. "Processing page 3 of 10"). Neither grows the workflow's history.
 * Undefined when no answer comes (no worker running, workflow gone), so callers can
 * fall back to the stored job.
 */
export async function liveExecutionState(client: Client, jobId: string): Promise<ExecutionState | undefined> {
  const handle = client.workflow.getHandle(jobId);
  const [state, progress] = await Promise.all([
    client
      .withDeadline(Date.now() + QUERY_DEADLINE_MS, () => handle.query<ExecutionState>(EXECUTION_STATE_QUERY))
      .then((raw) => ExecutionState.safeParse(raw).data)
      .catch(() => undefined),
    handle
      .describe()
      .then((description) => toolProgress(description.raw.pendingActivities ?? []))
      .catch(() => undefined),
  ]);
  if (!state) return undefined;
  return progress && state.status === 'RUNNING' ? { ...state, live_output: `${state.live_output}: ${progress}` } : state;
}

type PendingActivity = { activityType?: { name?: string | null } | null; heartbeatDetails?: { payloads?: Payload[] | null } | null };

/** The `message` a running tool last heartbeated, if any. */
function toolProgress(pending: readonly PendingActivity[]): string | undefined {
  for (const activity of pending) {
    const payload = activity.heartbeatDetails?.payloads?.[0];
    if (!payload) continue;
    const details: unknown = defaultPayloadConverter.fromPayload(payload);
    if (details !== null && typeof details === 'object' && 'message' in details && typeof details.message === 'string') return details.message;
  }
  return undefined;
}
