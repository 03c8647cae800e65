/**
 * The recorded runs that continue as new: the first and the last execution of one chain, run
 * on a dev server of their own that suggests continue-as-new after 60 events.
 */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { JOB_WORKFLOW_TYPE, ORDO_SEARCH_ATTRIBUTES } from '@ordo/core';
import { insertJob } from '../test/insert-job';
import { preparedInput } from '../test/prepared-start';
import { createWorker } from '../src/index';
import { counting, definition, step } from './recorded-steps';
import { save } from './recording-runs';
import type { RecordingSession } from './recording-session';

/**
 * Records the wanted `chain-*` constructs. Runs outside the session's worker: it starts its own
 * server (the session's has the default history limits) and tears it down before returning.
 */
export async function recordContinueAsNew(session: RecordingSession): Promise<void> {
  const { wanted, cli, store, taskQueue, tools } = session;
  if (!(wanted('chain-first-execution') || wanted('chain-last-execution'))) return;

  const chainEnv = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: cli },
      searchAttributes: [...ORDO_SEARCH_ATTRIBUTES],
      extraArgs: ['--dynamic-config-value', 'limit.historyCount.suggestContinueAsNew=60'],
    },
  });
  const chainWorker = await createWorker({
    connection: chainEnv.nativeConnection,
    namespace: chainEnv.namespace ?? 'default',
    taskQueue,
    store,
    tools,
  });
  await chainWorker.runUntil(async () => {
    const job = await insertJob(
      store,
      definition('wf_chain', [
        ...counting(40),
        step('last', 'noop', { value: { expr: '__steps__.c1.outputData.value + count' } }),
      ]),
      {},
    );
    const first = await chainEnv.client.workflow.start(JOB_WORKFLOW_TYPE, {
      workflowId: job.job_id,
      taskQueue,
      args: [preparedInput(job, tools)],
    });
    await first.result();
    const lastRunId = (await chainEnv.client.workflow.getHandle(job.job_id).describe()).runId;
    if (lastRunId === first.firstExecutionRunId) throw new Error('the chain run did not continue as new');
    if (wanted('chain-first-execution'))
      await save('chain-first-execution', chainEnv.client.workflow.getHandle(job.job_id, first.firstExecutionRunId));
    if (wanted('chain-last-execution'))
      await save('chain-last-execution', chainEnv.client.workflow.getHandle(job.job_id, lastRunId));
  });
  await chainEnv.teardown();
}
