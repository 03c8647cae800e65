/**
 * Starting the recorded runs and saving their histories: the two ways a job starts (given
 * only its job ID, or prepared as the API does) and the file each history is written to.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { WorkflowHandle, WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import { JOB_WORKFLOW_TYPE, type JobWorkflowInput } from '@ordo/core';
import { insertJob } from '../test/insert-job';
import { preparedInput } from '../test/prepared-start';
import { definition } from './recorded-steps';
import { historiesDir, type RecordingSession } from './recording-session';

/** The start helpers bound to a session, made by {@link recordingStarts}. */
export interface RecordingStarts {
  /** Starts a job of `steps` given only its job ID (and `input`), as runs before prepared starts were. */
  readonly start: (
    name: string,
    steps: unknown[],
    input?: Partial<JobWorkflowInput>,
  ) => Promise<WorkflowHandleWithFirstExecutionRunId>;
  /** Starts a job of `steps` as the API does: its prepared start in the input. */
  readonly startPrepared: (
    name: string,
    steps: unknown[],
    values?: Record<string, string>,
    queue?: string,
  ) => Promise<WorkflowHandleWithFirstExecutionRunId>;
}

/** Binds the start helpers to `session`'s store, client and task queue. */
export function recordingStarts({ store, client, taskQueue, tools }: RecordingSession): RecordingStarts {
  return {
    start: async (name, steps, input = {}) => {
      const job = await insertJob(store, definition(`wf_${name.replaceAll('-', '_')}`, steps), {});
      return client.workflow.start(JOB_WORKFLOW_TYPE, {
        workflowId: job.job_id,
        taskQueue,
        args: [{ job_id: job.job_id, ...input }],
      });
    },
    startPrepared: async (name, steps, values = {}, queue = taskQueue) => {
      const job = await insertJob(store, definition(`wf_${name.replaceAll('-', '_')}`, steps), values);
      return client.workflow.start(JOB_WORKFLOW_TYPE, {
        workflowId: job.job_id,
        taskQueue: queue,
        args: [preparedInput(job, tools)],
      });
    },
  };
}

/** Waits for the run to end (failing is fine: failures are recorded too) and writes its history as `<name>.json`. */
export async function save(name: string, handle: WorkflowHandle): Promise<void> {
  await handle.result().catch(() => undefined);
  writeFileSync(join(historiesDir, `${name}.json`), `${historyToJSON(await handle.fetchHistory())}\n`);
  console.log(`recorded ${name}.json`);
}

/** Polls `check` every 50 ms, at most 200 times (10 s), then goes on either way as the script always has. */
export const waitFor = async (check: () => Promise<boolean>) => {
  for (let i = 0; i < 200 && !(await check()); i++) await new Promise((r) => setTimeout(r, 50));
};
