import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { workflowBundle } from '@ordo/testing';

const historiesDir = join(dirname(fileURLToPath(import.meta.url)), 'histories');
const histories = readdirSync(historiesDir).filter((f) => f.endsWith('.json'));

/**
 * The construct each recorded history must hold, so a fixture cannot silently stop
 * covering what it is named for (events as `temporal workflow show --output json` names them).
 */
const CONSTRUCTS: Record<string, string[]> = {
  'seed-analyze-document-completed.json': ['ACTIVITY_TASK_COMPLETED', 'WORKFLOW_EXECUTION_COMPLETED'],
  'seed-analyze-document-failed.json': ['ACTIVITY_TASK_FAILED', 'WORKFLOW_EXECUTION_FAILED'],
  'run-state-sequence.json': ['MARKER_RECORDED', 'ACTIVITY_TASK_COMPLETED', 'WORKFLOW_EXECUTION_COMPLETED'],
  'run-state-failed.json': ['ACTIVITY_TASK_FAILED', 'WORKFLOW_EXECUTION_FAILED'],
  'run-state-retried-attempt.json': ['ACTIVITY_TASK_COMPLETED', 'WORKFLOW_EXECUTION_COMPLETED'],
  'run-state-unknown-tool.json': ['MARKER_RECORDED', 'WORKFLOW_EXECUTION_FAILED'],
  'run-state-pause-resume-signals.json': ['WORKFLOW_EXECUTION_SIGNALED', 'WORKFLOW_EXECUTION_COMPLETED'],
  'run-state-pause-resume-update.json': [
    'WORKFLOW_EXECUTION_UPDATE_ACCEPTED',
    'WORKFLOW_EXECUTION_UPDATE_COMPLETED',
    'WORKFLOW_EXECUTION_COMPLETED',
  ],
  'run-state-cancel.json': [
    'WORKFLOW_EXECUTION_CANCEL_REQUESTED',
    'ACTIVITY_TASK_CANCELED',
    'WORKFLOW_EXECUTION_CANCELED',
  ],
  'run-state-cancel-while-paused.json': [
    'WORKFLOW_EXECUTION_SIGNALED',
    'WORKFLOW_EXECUTION_CANCEL_REQUESTED',
    'WORKFLOW_EXECUTION_CANCELED',
  ],
  'run-state-retry-from-step.json': ['MARKER_RECORDED', 'ACTIVITY_TASK_FAILED', 'WORKFLOW_EXECUTION_FAILED'],
  'run-state-disabled-step.json': ['ACTIVITY_TASK_COMPLETED', 'WORKFLOW_EXECUTION_COMPLETED'],
  'run-state-human-confirm.json': [
    'WORKFLOW_EXECUTION_UPDATE_ACCEPTED',
    'WORKFLOW_EXECUTION_UPDATE_COMPLETED',
    'WORKFLOW_EXECUTION_COMPLETED',
  ],
  'run-state-confirm-timeout.json': ['TIMER_STARTED', 'TIMER_FIRED', 'WORKFLOW_EXECUTION_COMPLETED'],
  'run-state-wait.json': ['TIMER_STARTED', 'TIMER_FIRED', 'WORKFLOW_EXECUTION_COMPLETED'],
  'prepared-sequence.json': ['ACTIVITY_TASK_COMPLETED', 'WORKFLOW_EXECUTION_COMPLETED'],
  'external-dispatch.json': [
    'ACTIVITY_TASK_SCHEDULED',
    'TIMER_STARTED',
    'ACTIVITY_TASK_CANCEL_REQUESTED',
    'MARKER_RECORDED',
    'WORKFLOW_EXECUTION_COMPLETED',
  ],
  'prepared-failed.json': ['ACTIVITY_TASK_FAILED', 'MARKER_RECORDED', 'WORKFLOW_EXECUTION_FAILED'],
  'prepared-paused-first.json': ['WORKFLOW_EXECUTION_SIGNALED', 'MARKER_RECORDED', 'WORKFLOW_EXECUTION_COMPLETED'],
  'prepared-refused.json': ['ACTIVITY_TASK_FAILED', 'WORKFLOW_EXECUTION_FAILED'],
  'prepared-cancel-unclaimed.json': [
    'WORKFLOW_EXECUTION_CANCEL_REQUESTED',
    'MARKER_RECORDED',
    'WORKFLOW_EXECUTION_CANCELED',
  ],
  'prepared-human-confirm.json': [
    'MARKER_RECORDED',
    'WORKFLOW_EXECUTION_UPDATE_COMPLETED',
    'WORKFLOW_EXECUTION_COMPLETED',
  ],
  'run-state-unrecorded-written.json': [
    'MARKER_RECORDED',
    'UPSERT_WORKFLOW_SEARCH_ATTRIBUTES',
    'WORKFLOW_EXECUTION_COMPLETED',
  ],
  'chain-first-execution.json': ['ACTIVITY_TASK_COMPLETED', 'MARKER_RECORDED', 'WORKFLOW_EXECUTION_CONTINUED_AS_NEW'],
  'chain-last-execution.json': ['MARKER_RECORDED', 'ACTIVITY_TASK_COMPLETED', 'WORKFLOW_EXECUTION_COMPLETED'],
  'composed-start.json': ['MARKER_RECORDED', 'ACTIVITY_TASK_COMPLETED', 'WORKFLOW_EXECUTION_COMPLETED'],
  'sub-workflow-single.json': [
    'START_CHILD_WORKFLOW_EXECUTION_INITIATED',
    'CHILD_WORKFLOW_EXECUTION_COMPLETED',
    'WORKFLOW_EXECUTION_COMPLETED',
  ],
  'sub-workflow-batch.json': [
    'START_CHILD_WORKFLOW_EXECUTION_INITIATED',
    'CHILD_WORKFLOW_EXECUTION_COMPLETED',
    'WORKFLOW_EXECUTION_COMPLETED',
  ],
  'prepared-step-ended.json': [
    'WORKFLOW_EXECUTION_UPDATE_COMPLETED',
    'MARKER_RECORDED',
    'TIMER_FIRED',
    'ACTIVITY_TASK_COMPLETED',
    'WORKFLOW_EXECUTION_COMPLETED',
  ],
  'run-state-step-ended.json': [
    'WORKFLOW_EXECUTION_UPDATE_COMPLETED',
    'MARKER_RECORDED',
    'TIMER_FIRED',
    'ACTIVITY_TASK_COMPLETED',
    'WORKFLOW_EXECUTION_COMPLETED',
  ],
  'expression-paced.json': [
    'MARKER_RECORDED',
    'TIMER_STARTED',
    'TIMER_FIRED',
    'ACTIVITY_TASK_COMPLETED',
    'WORKFLOW_EXECUTION_COMPLETED',
  ],
};

type History = { events: { eventType: string }[] };
const load = (file: string): History => JSON.parse(readFileSync(join(historiesDir, file), 'utf8')) as History;

/**
 * Replays job runs recorded from real servers (see histories/README.md) against today's
 * workflow code: a change that would break running jobs fails here.
 */
describe('job workflow replay', () => {
  it('has a recorded history for every construct, and every history is listed', () => {
    expect(histories.sort()).toEqual(Object.keys(CONSTRUCTS).sort());
  });

  it.each(histories)('replays %s deterministically', async (file) => {
    const history = load(file);
    const types = new Set(history.events.map((e) => e.eventType.replace(/^EVENT_TYPE_/, '')));
    for (const construct of CONSTRUCTS[file] ?? []) expect(types, `${file} holds ${construct}`).toContain(construct);
    await Worker.runReplayHistory({ workflowBundle: workflowBundle() }, history, file.replace(/\.json$/, ''));
  });

  it('holds in external-dispatch.json a step scheduled on the tool’s own task queue, under its activity type', () => {
    const raw = JSON.parse(readFileSync(join(historiesDir, 'external-dispatch.json'), 'utf8')) as {
      events: {
        activityTaskScheduledEventAttributes?: { activityType: { name: string }; taskQueue: { name: string } };
      }[];
    };
    const scheduled = raw.events.flatMap((e) =>
      e.activityTaskScheduledEventAttributes ? [e.activityTaskScheduledEventAttributes] : [],
    );
    expect(scheduled.map((a) => [a.activityType.name, a.taskQueue.name])).toEqual([
      ['echo_v1', 'record-histories-external'],
      ['watchExternalToolCall', 'record-histories'],
      ['noop', 'record-histories'],
    ]);
  });

  it.each([
    ['prepared-step-ended.json', ['ordo-bounded-expressions', 'ordo-step-ended-recorded']],
    ['run-state-step-ended.json', ['ordo-bounded-expressions', 'ordo-step-begun-recorded', 'ordo-step-ended-recorded']],
  ])('holds in %s the patches its run asked for, the step-ended one among them', (file, patches) => {
    const raw = JSON.parse(readFileSync(join(historiesDir, file), 'utf8')) as {
      events: {
        markerRecordedEventAttributes?: {
          markerName: string;
          details: Record<string, { payloads: { data: string }[] }>;
        };
      }[];
    };
    const ids = raw.events.flatMap((e) => {
      const marker = e.markerRecordedEventAttributes;
      if (marker?.markerName !== 'core_patch') return [];
      const data = marker.details['patch-data']?.payloads[0]?.data ?? '';
      return [(JSON.parse(Buffer.from(data, 'base64').toString('utf8')) as { id: string }).id];
    });
    expect(ids).toEqual(patches);
  });

  it('fails on a history whose commands the code does not issue', async () => {
    // The safeguard itself: drop the first local-activity marker of a run and replay must refuse it.
    const history = load('run-state-sequence.json');
    const marker = history.events.findIndex((e) => e.eventType.endsWith('MARKER_RECORDED'));
    const tampered = { ...history, events: history.events.filter((_, i) => i !== marker) };
    await expect(Worker.runReplayHistory({ workflowBundle: workflowBundle() }, tampered, 'tampered')).rejects.toThrow();
  });
});
