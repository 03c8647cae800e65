import type { WorkflowInfo } from '@temporalio/workflow';
import type { ComposedJobInput } from '../schemas/job-workflow-input';
import type { CreateRunRequest } from '../schemas/run-store-contract';

/**
 * What a run started with the composition input asks `createRun` for: its job is its own
 * workflow ID, its parent the workflow that started it (an Ordo job or any other team's
 * workflow), its root the top of that chain.
 */
export function createRunRequestOf(input: ComposedJobInput, info: WorkflowInfo, startedAt: string): CreateRunRequest {
  const parent = info.parent?.workflowId;
  const root = info.root?.workflowId;
  return {
    ...input,
    job_id: info.workflowId,
    run_id: info.firstExecutionRunId,
    started_at: startedAt,
    ...(parent !== undefined && { parent_job_id: parent }),
    ...(root !== undefined && root !== info.workflowId && { root_job_id: root }),
  };
}
