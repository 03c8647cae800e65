/**
 * The recorded runs of a step whose tool another worker serves: dispatched to the tool's own
 * task queue under its activity type, with the parameters object as its one argument. The
 * tool here is a plain Temporal activity on a worker of its own, registered in the catalog
 * as any external tool is; its first attempt fails and its second runs long enough for the
 * watcher to follow it.
 */
import { ApplicationFailure, Context } from '@temporalio/activity';
import { Worker } from '@temporalio/worker';
import { JOB_WORKFLOW_TYPE, preparedStartOf, toolRefsOf } from '@ordo/core';
import { insertJob } from '../test/insert-job';
import { definition, step } from './recorded-steps';
import { save } from './recording-runs';
import type { RecordingSession } from './recording-session';

const EXTERNAL_QUEUE = 'record-histories-external';

/** Records `external-dispatch` when wanted: a prepared run of an external step, then a built-in one. */
export async function recordExternalDispatch(session: RecordingSession): Promise<void> {
  const { wanted, store, client, env, taskQueue } = session;
  if (!wanted('external-dispatch')) return;
  await store.tools.register(
    {
      tool_id: 'ext_echo',
      version: '1.0.0',
      name: 'Echo (external)',
      description: 'Answers its text, on a task queue of its own',
      parameters: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] },
      outputs: { type: 'object', properties: { echo: { type: 'string' } }, required: ['echo'] },
      task_queue: EXTERNAL_QUEUE,
      activity_type: 'echo_v1',
      defaults: { retry_policy: { maximum_attempts: 3, initial_interval_ms: 200 } },
      builtin: false,
    },
    new Date().toISOString(),
  );
  const external = await Worker.create({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue: EXTERNAL_QUEUE,
    activities: {
      async echo_v1({ text }: { text: string }) {
        const context = Context.current();
        if (context.info.attempt === 1) throw ApplicationFailure.retryable('busy', 'SERVICE_BUSY');
        for (let i = 1; i <= 25; i++) {
          context.heartbeat({ message: `echoing ${i}/25`, fraction: i / 25 });
          await context.sleep(100);
        }
        return { echo: text };
      },
    },
  });
  await external.runUntil(async () => {
    const job = await insertJob(
      store,
      definition('wf_external_dispatch', [
        step(
          'echo',
          'ext_echo',
          { text: { const: 'hello' } },
          { tool: { tool_id: 'ext_echo', name: 'ext_echo', version: '1.0.0' }, output_mappings: { echo: 'said' } },
        ),
        step('after', 'noop', { value: 'said' }),
      ]),
      {},
    );
    const tools = await store.tools.runDefaults(toolRefsOf(job.steps));
    await save(
      'external-dispatch',
      await client.workflow.start(JOB_WORKFLOW_TYPE, {
        workflowId: job.job_id,
        taskQueue,
        args: [{ job_id: job.job_id, prepared: preparedStartOf(job, 0, tools) }],
      }),
    );
  });
}
