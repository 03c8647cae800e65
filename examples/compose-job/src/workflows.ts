import { sleep, startChild, workflowInfo } from '@temporalio/workflow';
// Workflow code imports the contract alone (`@ordo/core/contract`): the definitions, no zod, no Node APIs.
import { JOB_WORKFLOW_TYPE, pauseSignal, resumeSignal, type ComposedJobWorkflow } from '@ordo/core/contract';

/** What the example workflow is asked to do: which Ordo workflow to run, and on which task queue Ordo's workers listen. */
export interface ReviewRequest {
  /** A PUBLISHED Ordo workflow taking a number `n` and returning `doubled`. */
  ordo_workflow_id: string;
  n: number;
  /** Ordo's task queue: `ordo-jobs` unless configured otherwise. */
  ordo_task_queue?: string;
  /** How long the Ordo job is held paused before it is resumed. */
  hold_ms?: number;
}

/** What the example returns: the Ordo job it ran and what that job computed, used here. */
export interface ReviewResult {
  ordo_job_id: string;
  doubled: number;
  summary: string;
}

/**
 * Another team's workflow that composes an Ordo job: it starts the job workflow as a child
 * with the composition input (no `job_id`: the child's workflow ID becomes the job's, and
 * Ordo creates and records the job itself), pauses and resumes it with Ordo's own signal
 * definitions, and uses its result. The job shows in Ordo's API with this workflow as its parent.
 */
export async function reviewWithOrdo(request: ReviewRequest): Promise<ReviewResult> {
  const child = await startChild<ComposedJobWorkflow>(JOB_WORKFLOW_TYPE, {
    workflowId: `${workflowInfo().workflowId}--ordo`,
    taskQueue: request.ordo_task_queue ?? 'ordo-jobs',
    args: [
      {
        workflow_id: request.ordo_workflow_id,
        input_values: { n: request.n },
        name: `Review ${request.n}`,
        context: { requested_by: 'review-team' },
      },
    ],
  });
  // Held for a while (it pauses at its next step boundary), then let go.
  await child.signal(pauseSignal);
  await sleep(request.hold_ms ?? 2_000);
  await child.signal(resumeSignal);
  const result = await child.result();
  const doubled = result.output_data.doubled;
  if (typeof doubled !== 'number') throw new Error(`Ordo job ${result.job_id} returned no number 'doubled'`);
  return { ordo_job_id: result.job_id, doubled, summary: `${request.n} doubled is ${doubled}` };
}
