import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import {
  EXECUTION_STATE_QUERY,
  ExecutionState,
  JOB_WORKFLOW_TYPE,
  OrdoJobId,
  OrdoJobStatus,
  OrdoWorkflowId,
  type Job,
  type JobWorkflowInput,
} from '@ordo/core';
import { ApiProblem } from './problem';

// A query needs a worker to answer; when none is up the API falls back to the stored
// job rather than hanging the request.
const QUERY_DEADLINE_MS = 3000;

/** Starts the Temporal workflow of a job; its workflow ID is the job_id. */
export async function startJobWorkflow(client: Client, taskQueue: string, job: Job): Promise<void> {
  const input: JobWorkflowInput = {
    job_id: job.job_id,
    workflow_id: job.workflow_id,
    workflow_version: job.workflow_version,
    input_variables: job.input_variables,
    input_values: job.input_values,
    steps: job.steps.map(({ job_id: _j, status: _s, output_data: _o, error_message: _e, started_at: _sa, completed_at: _ca, ...step }) => step),
  };
  try {
    await client.workflow.start(JOB_WORKFLOW_TYPE, {
      workflowId: job.job_id,
      taskQueue,
      args: [input],
      typedSearchAttributes: [
        { key: OrdoJobId, value: job.job_id },
        { key: OrdoWorkflowId, value: job.workflow_id },
        { key: OrdoJobStatus, value: 'RUNNING' },
      ],
      memo: { name: job.name },
      staticSummary: `${job.name} (${job.workflow_id} v${job.workflow_version})`,
      staticDetails: `Ordo job ${job.job_id}: ${job.steps.length} steps`,
    });
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) {
      throw new ApiProblem(409, 'JOB_NOT_PENDING', 'Job already started', `job '${job.job_id}' already has a workflow run`);
    }
    throw new ApiProblem(503, 'TEMPORAL_UNAVAILABLE', 'Temporal unavailable', `could not start the job's workflow: ${(err as Error).message}`);
  }
}

/**
 * Asks a job's workflow for its live execution state; undefined when no answer comes
 * (no worker running, workflow gone), so callers can fall back to the stored job.
 */
export async function queryExecutionState(client: Client, jobId: string): Promise<ExecutionState | undefined> {
  try {
    const raw = await client.withDeadline(Date.now() + QUERY_DEADLINE_MS, () =>
      client.workflow.getHandle(jobId).query<ExecutionState>(EXECUTION_STATE_QUERY),
    );
    const parsed = ExecutionState.safeParse(raw);
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
