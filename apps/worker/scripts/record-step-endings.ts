/**
 * The recorded runs whose steps end with no activity writing them (a confirmation, a disabled
 * step, a wait), written before the next step begins (`patched('ordo-step-ended-recorded')`):
 * one begun from a prepared start, one given only its job ID.
 */
import { confirmUpdate, runStateQuery } from '@ordo/core';
import type { WorkflowHandle } from '@temporalio/client';
import { step } from './recorded-steps';
import { recordingStarts, save, waitFor } from './recording-runs';
import type { RecordingSession } from './recording-session';

/** A confirmation, a disabled step, a wait and a tool step: every kind of ending the workflow writes. */
const ENDINGS = [
  { step_id: 'verify', type: 'sys.human_confirm', confirm: { prompt: 'OK?' } },
  step('off', 'noop', { value: 'x' }, { activation_policy: { enabled: false } }),
  { step_id: 'breathe', type: 'sys.wait', wait: { duration: '1s' } },
  step('after', 'noop', { value: 'done' }),
];

/** Confirms the first step once the run shows it waiting, then saves the history as `name`. */
async function confirmAndSave(name: string, handle: WorkflowHandle): Promise<void> {
  await waitFor(
    async () => (await handle.query(runStateQuery).catch(() => undefined))?.steps[0]?.status === 'InProgress',
  );
  await handle.executeUpdate(confirmUpdate, { args: [{ step_id: 'verify' }] });
  await save(name, handle);
}

/** Records the wanted step-ending constructs. */
export async function recordStepEndings(session: RecordingSession): Promise<void> {
  const { start, startPrepared } = recordingStarts(session);
  if (session.wanted('prepared-step-ended'))
    await confirmAndSave('prepared-step-ended', await startPrepared('prepared-step-ended', ENDINGS));
  if (session.wanted('run-state-step-ended'))
    await confirmAndSave('run-state-step-ended', await start('step-ended', ENDINGS));
}
