/**
 * Records the job workflow's histories for the replay test, one per construct, from real
 * runs on a throw-away Temporal dev server:
 *
 *   pnpm --filter @ordo/worker exec tsx scripts/record-histories.ts [name …]
 *
 * It records the constructs named, or else every construct that has no file yet: a file
 * once recorded holds what runs in flight did, and is never recorded again to make the
 * replay test pass. Run it when a construct is added or deliberately changed (behind
 * `patched()`, or a new start argument, for runs in flight), and commit the new files.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowHandle, WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import {
  confirmUpdate,
  JOB_WORKFLOW_TYPE,
  ORDO_SEARCH_ATTRIBUTES,
  pauseSignal,
  resumeSignal,
  runStateQuery,
  setPausedUpdate,
  WorkflowDefinition,
  type JobWorkflowInput,
} from '@ordo/core';
import { openStore } from '@ordo/storage';
import { TEST_TOOLS, TOOLS } from '@ordo/tools';
import { insertJob } from '../test/insert-job';
import { preparedInput } from '../test/prepared-start';
import { createWorker } from '../src/index';

const here = dirname(fileURLToPath(import.meta.url));
const historiesDir = join(here, '..', 'test', 'histories');
const repoRoot = join(here, '..', '..', '..');

Runtime.install({ logger: new DefaultLogger('WARN') });
const cli = execFileSync('bash', [join(repoRoot, 'infra', 'install-temporal.sh'), 'cli'], { encoding: 'utf8' }).trim();
const env = await TestWorkflowEnvironment.createLocal({
  server: { executable: { type: 'existing-path', path: cli }, searchAttributes: [...ORDO_SEARCH_ATTRIBUTES] },
});
const dataDir = mkdtempSync(join(tmpdir(), 'ordo-record-'));
const store = await openStore({ dataDir });
const taskQueue = 'record-histories';
const worker = await createWorker({
  connection: env.nativeConnection,
  namespace: env.namespace ?? 'default',
  taskQueue,
  store,
  tools: [...TOOLS, ...TEST_TOOLS],
});
// Runs that no worker picks up until they are cancelled.
const lateQueue = `${taskQueue}-late`;
const client = env.client;

const step = (
  step_id: string,
  tool_id: string,
  parameter_mappings: Record<string, unknown> = {},
  extra: Record<string, unknown> = {},
) => ({
  step_id,
  tool: { tool_id, name: tool_id },
  parameter_mappings,
  ...extra,
});
/** `n` steps counting up in the variable `count`: the first writes 1, each next one `count + 1`. */
const counting = (n: number) =>
  Array.from({ length: n }, (_, i) =>
    step(
      `c${i + 1}`,
      'noop',
      { value: i === 0 ? { const: 1 } : { expr: 'count + 1' } },
      { output_mappings: { value: 'count' } },
    ),
  );
const definition = (workflow_id: string, steps: unknown[]) =>
  WorkflowDefinition.parse({ workflow_id, name: workflow_id, steps });

async function start(
  name: string,
  steps: unknown[],
  input: Partial<JobWorkflowInput> = {},
): Promise<WorkflowHandleWithFirstExecutionRunId> {
  const job = await insertJob(store, definition(`wf_${name.replaceAll('-', '_')}`, steps), {});
  return client.workflow.start(JOB_WORKFLOW_TYPE, {
    workflowId: job.job_id,
    taskQueue,
    args: [{ job_id: job.job_id, ...input }],
  });
}

const named = process.argv.slice(2);
/** Whether to record a construct: named on the command line, or else not recorded yet. */
const wanted = (name: string): boolean =>
  named.length > 0 ? named.includes(name) : !existsSync(join(historiesDir, `${name}.json`));
const tools = [...TOOLS, ...TEST_TOOLS];

/** Starts a job of `steps` as the API does: its prepared start in the input. */
async function startPrepared(
  name: string,
  steps: unknown[],
  values: Record<string, string> = {},
  queue = taskQueue,
): Promise<WorkflowHandleWithFirstExecutionRunId> {
  const job = await insertJob(store, definition(`wf_${name.replaceAll('-', '_')}`, steps), values);
  return client.workflow.start(JOB_WORKFLOW_TYPE, {
    workflowId: job.job_id,
    taskQueue: queue,
    args: [preparedInput(job, tools)],
  });
}

async function save(name: string, handle: WorkflowHandle): Promise<void> {
  await handle.result().catch(() => undefined);
  writeFileSync(join(historiesDir, `${name}.json`), `${historyToJSON(await handle.fetchHistory())}\n`);
  console.log(`recorded ${name}.json`);
}

const waitFor = async (check: () => Promise<boolean>) => {
  for (let i = 0; i < 200 && !(await check()); i++) await new Promise((r) => setTimeout(r, 50));
};

await worker.runUntil(async () => {
  if (wanted('run-state-sequence'))
    await save(
      'run-state-sequence',
      await start('sequence', [
        step('one', 'noop', { value: 'hello' }, { output_mappings: { value: 'greeting' } }),
        step('two', 'noop', { value: 'greeting' }),
      ]),
    );
  if (wanted('run-state-failed'))
    await save(
      'run-state-failed',
      await start('failed', [step('boom', 'fail', { code: 'DELIBERATE_FAILURE', message: 'no' })]),
    );
  if (wanted('run-state-retried-attempt'))
    await save(
      'run-state-retried-attempt',
      await start('retried', [step('flaky', 'flaky', { failures: 1 }, { retry_policy: { initial_interval_ms: 100 } })]),
    );
  if (wanted('run-state-unknown-tool'))
    await save('run-state-unknown-tool', await start('unknown', [step('x', 'ocr_magic')]));

  if (wanted('run-state-pause-resume-signals')) {
    const paused = await start('pause-resume', [step('one', 'sleep', { ms: 500 }), step('two', 'noop')]);
    await paused.signal(pauseSignal);
    await new Promise((r) => setTimeout(r, 1000));
    await paused.signal(resumeSignal);
    await save('run-state-pause-resume-signals', paused);
  }

  if (wanted('run-state-pause-resume-update')) {
    const updated = await start('pause-update', [step('one', 'sleep', { ms: 300 }), step('two', 'noop')]);
    await updated.executeUpdate(setPausedUpdate, { args: [{ paused: true }] });
    await new Promise((r) => setTimeout(r, 800));
    await updated.executeUpdate(setPausedUpdate, { args: [{ paused: false }] });
    await save('run-state-pause-resume-update', updated);
  }

  if (wanted('run-state-cancel')) {
    const cancelled = await start('cancel', [step('long', 'sleep', { ms: 30_000 }), step('after', 'noop')]);
    await waitFor(
      async () => (await store.jobs.getStored(cancelled.workflowId))?.run?.steps[0]?.status === 'InProgress',
    );
    await cancelled.cancel();
    await save('run-state-cancel', cancelled);
  }

  if (wanted('run-state-cancel-while-paused')) {
    const pausedThenCancelled = await start('cancel-paused', [step('one', 'noop'), step('two', 'noop')]);
    await pausedThenCancelled.signal(pauseSignal);
    await new Promise((r) => setTimeout(r, 500));
    await pausedThenCancelled.cancel();
    await save('run-state-cancel-while-paused', pausedThenCancelled);
  }

  if (wanted('run-state-retry-from-step')) {
    const failing = await start('retry-from-step', [
      step('one', 'noop', { value: 'hello' }, { output_mappings: { value: 'kept' } }),
      step('two', 'fail', { code: 'DELIBERATE_FAILURE', message: 'first run' }),
    ]);
    const runId = failing.firstExecutionRunId;
    await failing.result().catch(() => undefined);
    const retry = await client.workflow.start(JOB_WORKFLOW_TYPE, {
      workflowId: failing.workflowId,
      taskQueue,
      args: [{ job_id: failing.workflowId, retry: { run_id: runId, from_step_index: 1 } }],
    });
    await save('run-state-retry-from-step', retry);
  }

  if (wanted('run-state-disabled-step')) {
    await save(
      'run-state-disabled-step',
      await start('disabled', [
        step('one', 'noop', { value: { flag: false } }, { output_mappings: { value: 'check' } }),
        step('off', 'noop', { value: 1 }, { activation_policy: { enabled: false } }),
        step(
          'when',
          'noop',
          { value: { expr: '__context__.job_id' } },
          { activation_policy: { when: '__steps__.one.outputData.value.flag' } },
        ),
        step('last', 'noop', { value: { expr: "$exists(check) ? 'checked' : 'no'" } }),
      ]),
    );
  }

  if (wanted('run-state-human-confirm')) {
    const confirming = await start('human-confirm', [
      {
        step_id: 'verify',
        type: 'sys.human_confirm',
        confirm: { prompt: 'OK?', schema: { type: 'object', properties: { verified: { type: 'boolean' } } } },
        output_mappings: { verified: 'verified' },
      },
      step('after', 'noop', { value: 'verified' }),
    ]);
    await waitFor(
      async () => (await confirming.query(runStateQuery).catch(() => undefined))?.steps[0]?.status === 'InProgress',
    );
    await confirming.executeUpdate(confirmUpdate, { args: [{ step_id: 'verify', payload: { verified: true } }] });
    await save('run-state-human-confirm', confirming);
  }

  if (wanted('run-state-confirm-timeout')) {
    await save(
      'run-state-confirm-timeout',
      await start('confirm-timeout', [
        {
          step_id: 'verify',
          type: 'sys.human_confirm',
          confirm: { prompt: 'OK?', due_in: '1s', on_timeout: 'continue' },
        },
        step('after', 'noop'),
      ]),
    );
  }

  if (wanted('run-state-wait')) {
    await save(
      'run-state-wait',
      await start('wait', [{ step_id: 'breathe', type: 'sys.wait', wait: { duration: '1s' } }, step('after', 'noop')]),
    );
  }

  // Runs begun from a prepared start (the API's): persistence rides on the tool activities.
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

  if (wanted('expression-paced')) {
    // An expression of about 9,000 steps: suspended on the pacer's 1 ms timer every 1,000 steps, resumed in the next activation.
    await save(
      'expression-paced',
      await startPrepared('expression-paced', [
        step(
          'doubled',
          'noop',
          { value: { expr: '$map([1..3000], function($v){ $v * 2 })' } },
          { output_mappings: { value: 'doubled' } },
        ),
        step('after', 'noop', { value: { expr: '$count(doubled)' } }),
      ]),
    );
  }

  if (wanted('run-state-unrecorded-written')) {
    // A run given only its job ID records its steps itself: past UNRECORDED_LIMIT (50 steps) it writes them mid-run.
    await save('run-state-unrecorded-written', await start('unrecorded', counting(55)));
  }

  // Composition and sub-workflows: child job workflows that create their own jobs.
  const childWorkflow = 'rec_child_double';
  if (
    ['composed-start', 'sub-workflow-single', 'sub-workflow-batch'].some(wanted) &&
    !(await store.workflows.get(childWorkflow))
  ) {
    await store.workflows.create(
      WorkflowDefinition.parse({
        workflow_id: childWorkflow,
        name: 'Double',
        status: 'PUBLISHED',
        input_variables: [{ variable_id: 'n', name: 'n', schema: { type: 'number' }, required: true }],
        steps: [step('double', 'noop', { value: { expr: 'n * 2' } }, { output_mappings: { value: 'doubled' } })],
        output_variables: ['doubled'],
      }),
      new Date().toISOString(),
    );
  }
  if (wanted('composed-start')) {
    const composed: JobWorkflowInput = {
      workflow_id: childWorkflow,
      input_values: { n: 21 },
      correlation_id: 'corr-composed',
    };
    await save(
      'composed-start',
      await client.workflow.start(JOB_WORKFLOW_TYPE, {
        workflowId: 'composed-start-recording',
        taskQueue,
        args: [composed],
      }),
    );
  }
  if (wanted('sub-workflow-single')) {
    await save(
      'sub-workflow-single',
      await start('sub-single', [
        {
          step_id: 'child',
          type: 'sys.sub_workflow',
          sub_workflow: { workflow_id: childWorkflow, mode: 'SINGLE', input_mappings: { n: 4 } },
          output_mappings: { doubled: 'doubled' },
        },
        step('after', 'noop', { value: 'doubled' }),
      ]),
    );
  }
  if (wanted('sub-workflow-batch')) {
    await save(
      'sub-workflow-batch',
      await start('sub-batch', [
        {
          step_id: 'fan',
          type: 'sys.sub_workflow',
          sub_workflow: {
            workflow_id: childWorkflow,
            mode: 'BATCH',
            iterable: { const: [1, 2, 3] },
            input_mappings: { n: { expr: '__each__' } },
            max_concurrency: 2,
          },
          output_mappings: { results: 'results' },
        },
      ]),
    );
  }
});

// Runs that continue as new: a dev server of their own, suggesting it after 60 events.
if (wanted('chain-first-execution') || wanted('chain-last-execution')) {
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

await store.close();
await env.teardown();
rmSync(dataDir, { recursive: true, force: true });
