/**
 * The recorded runs given only their job ID, one per run-state construct: a sequence, a
 * failure, a retried attempt, an unknown tool, pause and resume, cancelling, retrying from a
 * step, disabled steps, human confirmation and timed waits.
 */
import {
  confirmUpdate,
  JOB_WORKFLOW_TYPE,
  pauseSignal,
  resumeSignal,
  runStateQuery,
  setPausedUpdate,
} from '@ordo/core';
import { step } from './recorded-steps';
import { recordingStarts, save, waitFor } from './recording-runs';
import type { RecordingSession } from './recording-session';

/** Records the wanted `run-state-*` constructs, in the order the script has always recorded them. */
export async function recordRunState(session: RecordingSession): Promise<void> {
  const { wanted, store, client, taskQueue } = session;
  const { start } = recordingStarts(session);

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
}
