/**
 * The recorded runs begun from a prepared start (the API's), where persistence rides on the
 * tool activities: a sequence, a failure, paused before its first step, a start the store
 * refuses, cancelled before any worker claims it, and a first step that runs no activity.
 */
import { confirmUpdate, JOB_WORKFLOW_TYPE, pauseSignal, resumeSignal } from '@ordo/core';
import { insertJob } from '../test/insert-job';
import { preparedInput } from '../test/prepared-start';
import { createWorker } from '../src/index';
import { definition, step } from './recorded-steps';
import { recordingStarts, save, waitFor } from './recording-runs';
import type { RecordingSession } from './recording-session';

/** Records the wanted `prepared-*` constructs, in the order the script has always recorded them. */
export async function recordPreparedStarts(session: RecordingSession): Promise<void> {
  const { wanted, store, client, env, taskQueue, lateQueue, tools } = session;
  const { startPrepared } = recordingStarts(session);

  if (wanted('prepared-sequence')) {
    await save(
      'prepared-sequence',
      await startPrepared('prepared-sequence', [
        step('one', 'noop', { value: 'hello' }, { output_mappings: { value: 'greeting' } }),
        step('two', 'noop', { value: 'greeting' }),
      ]),
    );
  }
  if (wanted('prepared-failed')) {
    await save(
      'prepared-failed',
      await startPrepared('prepared-failed', [
        step('one', 'noop', { value: 'hello' }),
        step('boom', 'fail', { code: 'DELIBERATE_FAILURE', message: 'no' }),
      ]),
    );
  }
  if (wanted('prepared-paused-first')) {
    const job = await insertJob(
      store,
      definition('wf_prepared_paused_first', [step('one', 'noop'), step('two', 'noop')]),
      {},
    );
    const handle = await client.workflow.signalWithStart(JOB_WORKFLOW_TYPE, {
      workflowId: job.job_id,
      taskQueue,
      args: [preparedInput(job, tools)],
      signal: pauseSignal,
    });
    await waitFor(async () => (await store.jobs.getStored(job.job_id))?.run?.paused === true);
    await handle.signal(resumeSignal);
    await save('prepared-paused-first', client.workflow.getHandle(job.job_id));
  }
  if (wanted('prepared-refused')) {
    const job = await insertJob(store, definition('wf_prepared_refused', [step('one', 'noop')]), {});
    const input = preparedInput(job, tools);
    await store.jobs.setInputs(job.job_id, {}, {}, new Date().toISOString());
    await save(
      'prepared-refused',
      await client.workflow.start(JOB_WORKFLOW_TYPE, { workflowId: job.job_id, taskQueue, args: [input] }),
    );
  }
  if (wanted('prepared-cancel-unclaimed')) {
    const handle = await startPrepared('prepared-cancel-unclaimed', [step('one', 'noop')], {}, lateQueue);
    await handle.cancel();
    // Only now a worker polls the late queue, so the run's first task is its cancellation.
    const late = await createWorker({
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      taskQueue: lateQueue,
      store,
      tools,
    });
    await late.runUntil(handle.result().catch(() => undefined));
    await save('prepared-cancel-unclaimed', handle);
  }

  if (wanted('prepared-human-confirm')) {
    // A prepared run whose first step runs no activity: the workflow claims the job as the step begins.
    const job = await insertJob(
      store,
      definition('wf_prepared_human_confirm', [
        { step_id: 'verify', type: 'sys.human_confirm', confirm: { prompt: 'OK?' } },
        step('after', 'noop'),
      ]),
      {},
    );
    const handle = await client.workflow.start(JOB_WORKFLOW_TYPE, {
      workflowId: job.job_id,
      taskQueue,
      args: [preparedInput(job, tools)],
    });
    await waitFor(async () => (await store.jobs.getStored(job.job_id))?.run?.steps[0]?.status === 'InProgress');
    await handle.executeUpdate(confirmUpdate, { args: [{ step_id: 'verify' }] });
    await save('prepared-human-confirm', handle);
  }
}
