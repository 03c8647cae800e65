import { describe, expect, it } from 'vitest';
import { tasksOf, waitsOnDeadWorkers } from './tasks';
import type { HistoryEvent } from './timeline';

const KILL = 1_000_000;
const DEAD = '1@host';
const LIVE = '2@host';

/** A history from `[seconds after the kill, attributes]` pairs (plain numbers where the client has Longs). */
function history(...events: [number, Record<string, unknown>][]): HistoryEvent[] {
  return events.map(
    ([s, attributes], i) =>
      ({
        eventId: i + 1,
        eventTime: { seconds: Math.floor((KILL + s * 1000) / 1000), nanos: ((KILL + s * 1000) % 1000) * 1e6 },
        ...attributes,
      }) as unknown as HistoryEvent,
  );
}

const scheduled = (kind: 1 | 2) => ({ workflowTaskScheduledEventAttributes: { taskQueue: { name: 'q', kind } } });
const started = (identity: string) => ({ workflowTaskStartedEventAttributes: { identity } });
const completed = (identity: string) => ({ workflowTaskCompletedEventAttributes: { identity } });
const timedOut = (timeoutType: 1 | 2) => ({ workflowTaskTimedOutEventAttributes: { timeoutType } });
const activity = (heartbeat: number) => ({
  activityTaskScheduledEventAttributes: {
    activityId: '1',
    activityType: { name: 'tally' },
    heartbeatTimeout: { seconds: heartbeat },
  },
});
const activityStarted = (scheduledEventId: number, attempt: number, identity: string) => ({
  activityTaskStartedEventAttributes: { scheduledEventId, attempt, identity },
});
const activityCompleted = (scheduledEventId: number) => ({
  activityTaskCompletedEventAttributes: { scheduledEventId },
});

const kills = [{ end: KILL, worker_identity: DEAD }];
/** Per task, what it is and how long it waited on the dead worker (undefined: it did not). */
const waits = (events: HistoryEvent[], killed = kills) =>
  tasksOf(events, () => 0).map((task) => {
    const waited = waitsOnDeadWorkers(task, killed, KILL + 100_000);
    return waited.length > 0 ? [task.what, ...waited.map((w) => w.wait_ms / 1000)] : undefined;
  });

describe('what a worker death held up, from Temporal histories', () => {
  it('an activity attempt lost with the worker: from the kill to the next attempt starting', () => {
    const events = history(
      [-3, scheduled(1)],
      [-3, started(DEAD)],
      [-2.9, completed(DEAD)],
      [-2.9, activity(15)],
      [14.2, activityStarted(4, 2, LIVE)],
      [14.3, activityCompleted(4)],
    );
    expect(waits(events)).toEqual([undefined, ['step 0 (tally) attempt 2', 14.2]]);
  });

  it("a workflow task stranded on the dead worker's sticky queue: from its scheduling to its start elsewhere", () => {
    const events = history(
      [-3, scheduled(1)],
      [-3, started(DEAD)],
      [-2.9, completed(DEAD)],
      [-2.9, activity(10)],
      [-2.9, activityStarted(4, 1, LIVE)],
      // The step completes on the live worker after the kill; the workflow is cached on the dead one.
      [3, activityCompleted(4)],
      [3, scheduled(2)],
      [13, timedOut(2)],
      [13, scheduled(1)],
      [13.4, started(LIVE)],
      [13.5, completed(LIVE)],
    );
    expect(waits(events)).toEqual([
      undefined,
      undefined,
      ['workflow task #7 (schedule-to-start timeout)', expect.closeTo(10.4, 5) as number],
    ]);
  });

  it('a workflow task the worker had started when it died: from the kill to its start elsewhere', () => {
    const events = history(
      [-1, scheduled(1)],
      [-0.5, started(DEAD)],
      [9.5, timedOut(1)],
      [9.5, scheduled(1)],
      [11, started(LIVE)],
      [11.2, completed(LIVE)],
    );
    expect(waits(events)).toEqual([['workflow task #1 (start-to-close timeout)', 11]]);
  });

  it('work a live worker was doing at the kill, or lost after it on a live worker, waited on nothing dead', () => {
    const events = history(
      [-3, scheduled(1)],
      [-3, started(LIVE)],
      [-2.9, completed(LIVE)],
      [-2.9, activity(10)],
      [-2.9, activityStarted(4, 1, LIVE)],
      [3, activityCompleted(4)],
      [3, scheduled(2)],
      [4, started(LIVE)],
      [14, timedOut(1)],
      [14, scheduled(1)],
      [15, started(LIVE)],
      [15.1, completed(LIVE)],
    );
    expect(waits(events)).toEqual([undefined, undefined, undefined]);
  });

  it('a workflow task held up by two deaths in turn: each from its kill to the next start elsewhere', () => {
    const SECOND = '3@host';
    const events = history(
      [-1, scheduled(1)],
      [-0.5, started(DEAD)],
      [9.5, timedOut(1)],
      [9.5, scheduled(1)],
      [11, started(SECOND)],
      [21, timedOut(1)],
      [21, scheduled(1)],
      [24, started(LIVE)],
      [24.5, completed(LIVE)],
    );
    expect(waits(events, [...kills, { end: KILL + 12_000, worker_identity: SECOND }])).toEqual([
      ['workflow task #1 (start-to-close timeout, start-to-close timeout)', 11, 12],
    ]);
  });

  it('an activity held up by two deaths in turn: its lost attempt 2, seen pending, ends the wait on the first', () => {
    // faults wkw 5 on 74107b3: attempt 1 died with the first worker; attempt 2 started 15.8 s
    // later on a replacement killed 0.9 s after; attempt 3 started 16.2 s after that kill.
    // The history keeps attempt 3 only; the watch saw attempt 2 while it was pending.
    const SECOND = '3@host';
    const events = history(
      [-2.4, scheduled(1)],
      [-2.4, started(DEAD)],
      [-2.4, completed(DEAD)],
      [-2.4, activity(15)],
      [32.9, activityStarted(4, 3, LIVE)],
      [33, activityCompleted(4)],
    );
    const twoKills = [...kills, { end: KILL + 16_700, worker_identity: SECOND }];
    const lost = [{ attempt: 2, at: KILL + 15_750, by: SECOND }];
    const tasks = tasksOf(
      events,
      () => 0,
      (activityId) => (activityId === '1' ? lost : []),
    );
    expect(tasks.map((t) => waitsOnDeadWorkers(t, twoKills, KILL + 100_000).map((w) => w.wait_ms / 1000))).toEqual([
      [],
      [expect.closeTo(15.75, 5) as number, expect.closeTo(16.2, 5) as number],
    ]);
  });

  it('a task pending at the kill that never started waits until the measure', () => {
    const events = history([-1, scheduled(1)], [-0.5, started(DEAD)]);
    expect(waits(events)).toEqual([['workflow task #1', 100]]);
  });
});
