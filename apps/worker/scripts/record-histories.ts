/**
 * Records the job workflow's histories for the replay test, one per construct, from real
 * runs on a throw-away Temporal dev server:
 *
 *   pnpm --filter @ordo/worker exec tsx scripts/record-histories.ts
 *
 * It records only the histories that have no file yet: run it when a construct is added,
 * and commit the new files. A history that exists is what old runs look like; it is never
 * re-recorded (to re-record one on purpose, delete its file and say why in the commit).
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
import { confirmUpdate, JOB_WORKFLOW_TYPE, ORDO_SEARCH_ATTRIBUTES, pauseSignal, resumeSignal, runStateQuery, setPausedUpdate, WorkflowDefinition, type JobWorkflowInput } from '@ordo/core';
import { openStore } from '@ordo/storage';
import { TEST_TOOLS, TOOLS } from '@ordo/tools';
import { insertJob } from '../test/insert-job';
import { createWorker } from '../src/index';

const here = dirname(fileURLToPath(import.meta.url));
const historiesDir = join(here, '..', 'test', 'histories');
const repoRoot = join(here, '..', '..', '..');

Runtime.install({ logger: new DefaultLogger('WARN') });
const cli = execFileSync('bash', [join(repoRoot, 'infra', 'install-temporal.sh'), 'cli'], { encoding: 'utf8' }).trim();
const env = await TestWorkflowEnvironment.createLocal({ server: { executable: { type: 'existing-path', path: cli }, searchAttributes: [...ORDO_SEARCH_ATTRIBUTES] } });
const dataDir = mkdtempSync(join(tmpdir(), 'ordo-record-'));
const store = await openStore({ dataDir });
const taskQueue = 'record-histories';
const worker = await createWorker({ connection: env.nativeConnection, namespace: env.namespace ?? 'default', taskQueue, store, tools: [...TOOLS, ...TEST_TOOLS] });
const client = env.client;

const step = (step_id: string, tool_id: string, parameter_mappings: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => ({
  step_id,
  tool: { tool_id, name: tool_id },
  parameter_mappings,
  ...extra,
});
const definition = (workflow_id: string, steps: unknown[]) => WorkflowDefinition.parse({ workflow_id, name: workflow_id, steps });

async function start(name: string, steps: unknown[], input: Partial<JobWorkflowInput> = {}): Promise<WorkflowHandleWithFirstExecutionRunId> {
  const job = await insertJob(store, definition(`wf_${name.replaceAll('-', '_')}`, steps), {});
  return client.workflow.start(JOB_WORKFLOW_TYPE, { workflowId: job.job_id, taskQueue, args: [{ job_id: job.job_id, ...input }] });
}

/** Whether a history still has to be recorded (it has no file yet). */
const missing = (name: string): boolean => !existsSync(join(historiesDir, `${name}.json`));

async function save(name: string, handle: WorkflowHandle): Promise<void> {
  await handle.result().catch(() => undefined);
  writeFileSync(join(historiesDir, `${name}.json`), `${historyToJSON(await handle.fetchHistory())}\n`);
  console.log(`recorded ${name}.json`);
}

const waitFor = async (check: () => Promise<boolean>) => {
  for (let i = 0; i < 200 && !(await check()); i++) await new Promise((r) => setTimeout(r, 50));
};

await worker.runUntil(async () => {
  if (missing('run-state-sequence')) await save('run-state-sequence', await start('sequence', [step('one', 'noop', { value: 'hello' }, { output_mappings: { value: 'greeting' } }), step('two', 'noop', { value: 'greeting' })]));
  if (missing('run-state-failed')) await save('run-state-failed', await start('failed', [step('boom', 'fail', { code: 'DELIBERATE_FAILURE', message: 'no' })]));
  if (missing('run-state-retried-attempt')) await save('run-state-retried-attempt', await start('retried', [step('flaky', 'flaky', { failures: 1 }, { retry_policy: { initial_interval_ms: 100 } })]));
  if (missing('run-state-unknown-tool')) await save('run-state-unknown-tool', await start('unknown', [step('x', 'ocr_magic')]));

  if (missing('run-state-pause-resume-signals')) {
    const paused = await start('pause-resume', [step('one', 'sleep', { ms: 500 }), step('two', 'noop')]);
    await paused.signal(pauseSignal);
    await new Promise((r) => setTimeout(r, 1000));
    await paused.signal(resumeSignal);
    await save('run-state-pause-resume-signals', paused);
  }

  if (missing('run-state-pause-resume-update')) {
    const updated = await start('pause-update', [step('one', 'sleep', { ms: 300 }), step('two', 'noop')]);
    await updated.executeUpdate(setPausedUpdate, { args: [{ paused: true }] });
    await new Promise((r) => setTimeout(r, 800));
    await updated.executeUpdate(setPausedUpdate, { args: [{ paused: false }] });
    await save('run-state-pause-resume-update', updated);
  }

  if (missing('run-state-cancel')) {
    const cancelled = await start('cancel', [step('long', 'sleep', { ms: 30_000 }), step('after', 'noop')]);
    await waitFor(async () => (await store.jobs.getStored(cancelled.workflowId))?.run?.steps[0]?.status === 'InProgress');
    await cancelled.cancel();
    await save('run-state-cancel', cancelled);
  }

  if (missing('run-state-cancel-while-paused')) {
    const pausedThenCancelled = await start('cancel-paused', [step('one', 'noop'), step('two', 'noop')]);
    await pausedThenCancelled.signal(pauseSignal);
    await new Promise((r) => setTimeout(r, 500));
    await pausedThenCancelled.cancel();
    await save('run-state-cancel-while-paused', pausedThenCancelled);
  }

  if (missing('run-state-retry-from-step')) {
    const failing = await start('retry-from-step', [step('one', 'noop', { value: 'hello' }, { output_mappings: { value: 'kept' } }), step('two', 'fail', { code: 'DELIBERATE_FAILURE', message: 'first run' })]);
    const runId = failing.firstExecutionRunId;
    await failing.result().catch(() => undefined);
    const retry = await client.workflow.start(JOB_WORKFLOW_TYPE, { workflowId: failing.workflowId, taskQueue, args: [{ job_id: failing.workflowId, retry: { run_id: runId, from_step_index: 1 } }] });
    await save('run-state-retry-from-step', retry);
  }

  if (missing('run-state-disabled-step')) {
    await save(
      'run-state-disabled-step',
      await start('disabled', [
        step('one', 'noop', { value: { flag: false } }, { output_mappings: { value: 'check' } }),
        step('off', 'noop', { value: 1 }, { activation_policy: { enabled: false } }),
        step('when', 'noop', { value: { expr: '__context__.job_id' } }, { activation_policy: { when: '__steps__.one.outputData.value.flag' } }),
        step('last', 'noop', { value: { expr: "$exists(check) ? 'checked' : 'no'" } }),
      ]),
    );
  }

  if (missing('run-state-human-confirm')) {
    const confirming = await start('human-confirm', [
      { step_id: 'verify', type: 'sys.human_confirm', confirm: { prompt: 'OK?', schema: { type: 'object', properties: { verified: { type: 'boolean' } } } }, output_mappings: { verified: 'verified' } },
      step('after', 'noop', { value: 'verified' }),
    ]);
    await waitFor(async () => (await confirming.query(runStateQuery).catch(() => undefined))?.steps[0]?.status === 'InProgress');
    await confirming.executeUpdate(confirmUpdate, { args: [{ step_id: 'verify', payload: { verified: true } }] });
    await save('run-state-human-confirm', confirming);
  }

  if (missing('run-state-confirm-timeout')) {
    await save('run-state-confirm-timeout', await start('confirm-timeout', [{ step_id: 'verify', type: 'sys.human_confirm', confirm: { prompt: 'OK?', due_in: '1s', on_timeout: 'continue' } }, step('after', 'noop')]));
  }

  if (missing('run-state-wait')) {
    await save('run-state-wait', await start('wait', [{ step_id: 'breathe', type: 'sys.wait', wait: { duration: '1s' } }, step('after', 'noop')]));
  }
});

await store.close();
await env.teardown();
rmSync(dataDir, { recursive: true, force: true });
