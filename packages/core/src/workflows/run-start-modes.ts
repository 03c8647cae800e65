import { ApplicationFailure, type WorkflowInfo } from '@temporalio/workflow';
import type { ComposedJobInput, JobWorkflowInput, RunContinuation } from '../schemas/job-workflow-input';
import type { RunState } from '../schemas/run-state';
import type { CreateRunRequest, RunStart } from '../schemas/run-store-contract';
import { beginRunState } from '../model/run-transitions';
import { failureType, notStartable } from './run-failures';
import type { RunPersistence } from './run-recorder';
import { runStore } from './run-store';

/** How a run begins: its start, its state (reloaded for a continued execution), and how it persists itself. */
export interface RunBeginning {
  start: RunStart;
  run: RunState;
  persistence: RunPersistence;
}

/**
 * Begins a run in the mode its input names: composition (a `workflow_id`: the run creates
 * its own job through `createRun`), a continued execution (reloaded through `resumeRun`), a
 * prepared start (the API's: no read, the first write claims the job), or a job ID alone
 * (`beginRun` claims and reads it). The mode follows from the input alone, so replaying a
 * run takes the same way, with the same local activities.
 */
export async function beginRun(input: JobWorkflowInput, info: WorkflowInfo, now: () => string): Promise<RunBeginning> {
  if ('workflow_id' in input) {
    // Composition: the run creates its own job (see `ComposedJobInput`).
    const created = await runStore.createRun(createRunRequestOf(input, info, now()));
    if (!created.ok) throw ApplicationFailure.nonRetryable(created.message, failureType(created.code));
    return fresh(created.start, { prepared: false, claim: undefined, stepsRecorded: false, from: 0 });
  }
  if (input.continued !== undefined) {
    // The rest of a run that continued as new: its state is reloaded from the run store.
    const { start, run } = await resumeRun(input.job_id, input.continued);
    const { prepared, from } = input.continued;
    return { start, run, persistence: { prepared, claim: undefined, stepsRecorded: prepared, from } };
  }
  if (input.prepared !== undefined) {
    const { revision, ...prepared } = input.prepared;
    const runId = info.firstExecutionRunId;
    const startedAt = input.started_at ?? now();
    return fresh(
      { ...prepared, job_id: input.job_id, run_id: runId, started_at: startedAt, reused: [] },
      {
        prepared: true,
        claim: { job_id: input.job_id, run_id: runId, started_at: startedAt, revision },
        stepsRecorded: true,
        from: 0,
      },
    );
  }
  const begun = await runStore.beginRun({
    job_id: input.job_id,
    run_id: info.firstExecutionRunId,
    started_at: input.started_at ?? now(),
    ...(input.retry !== undefined && { retry: input.retry }),
  });
  if (!begun.ok) throw notStartable(begun.message);
  // A retry begins at its step: the steps before it are the failed run's, copied in the store.
  return fresh(begun.start, {
    prepared: false,
    claim: undefined,
    stepsRecorded: false,
    from: input.retry?.from_step_index ?? 0,
  });
}

function fresh(start: RunStart, persistence: RunPersistence): RunBeginning {
  return { start, run: beginRunState(start), persistence };
}

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

/** The run's start and state as a continued execution reloads them from the run store. */
async function resumeRun(jobId: string, continued: RunContinuation): Promise<{ start: RunStart; run: RunState }> {
  const resumed = await runStore.resumeRun({ job_id: jobId, run_id: continued.run_id, from: continued.from });
  if (!resumed.ok) throw notStartable(resumed.message);
  const run = beginRunState(resumed.start);
  // The header as recorded when the run continued; a pause that came since is the input's.
  Object.assign(run, resumed.header, { paused: continued.paused });
  for (const step of resumed.referenced) if (step.index < run.steps.length) run.steps[step.index] = step;
  return { start: resumed.start, run };
}
