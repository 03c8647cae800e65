import { describe, expect, it } from 'vitest';
import { runStepsOf, type HistoryEvent } from './step-history';

const at = (ms: number) => ({ seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 });
const marker = (type: string, ms: number): HistoryEvent => ({
  eventTime: at(ms),
  markerRecordedEventAttributes: {
    details: {
      data: {
        payloads: [{ data: Buffer.from(JSON.stringify({ activity_type: type, complete_time: at(ms) })) }],
      },
    },
  },
});

describe('runStepsOf', () => {
  it('times each call of the tool activity, its workflow tasks and its local activities', () => {
    const events: HistoryEvent[] = [
      { eventId: 1, eventTime: at(1_000), workflowExecutionStartedEventAttributes: {} },
      { eventId: 2, eventTime: at(1_010), workflowTaskStartedEventAttributes: {} },
      { eventId: 3, eventTime: at(1_020), workflowTaskCompletedEventAttributes: {} },
      { eventId: 4, eventTime: at(1_020), activityTaskScheduledEventAttributes: { activityType: { name: 'tool' } } },
      { eventId: 5, eventTime: at(1_050), activityTaskStartedEventAttributes: { scheduledEventId: 4 } },
      { eventId: 6, eventTime: at(1_055), activityTaskCompletedEventAttributes: { scheduledEventId: 4 } },
      { eventId: 7, eventTime: at(1_090), workflowTaskStartedEventAttributes: {} },
      { eventId: 8, eventTime: at(1_120), workflowTaskCompletedEventAttributes: {} },
      marker('settleExternalToolCall', 1_097),
      marker('recordRun', 1_100),
      { eventId: 11, eventTime: at(1_120), activityTaskScheduledEventAttributes: { activityType: { name: 'tool' } } },
      { eventId: 12, eventTime: at(1_125), activityTaskScheduledEventAttributes: { activityType: { name: 'other' } } },
      { eventId: 13, eventTime: at(1_130), activityTaskStartedEventAttributes: { scheduledEventId: 11 } },
      { eventId: 14, eventTime: at(1_140), activityTaskCompletedEventAttributes: { scheduledEventId: 11 } },
      { eventId: 15, eventTime: at(1_150), workflowTaskStartedEventAttributes: {} },
      { eventId: 16, eventTime: at(1_160), workflowTaskCompletedEventAttributes: {} },
      { eventId: 17, eventTime: at(1_160), workflowExecutionCompletedEventAttributes: {} },
    ];
    const run = runStepsOf(events, 'tool');
    expect(run.steps).toEqual([
      { step_ms: 100, queue_ms: 30, run_ms: 5, after_ms: 65, wake_ms: 35 },
      { queue_ms: 10, run_ms: 10, after_ms: 20, wake_ms: 10 },
    ]);
    expect(run.workflow_task_ms).toEqual([10, 30, 10]);
    // Each from the task's start or the previous local activity's completion.
    expect(run.local_activity_ms).toEqual({ settleExternalToolCall: [7], recordRun: [3] });
    expect(run.events).toBe(17);
    expect(run.by_type).toMatchObject({ activityTaskScheduled: 3, markerRecorded: 2, workflowTaskStarted: 3 });
  });
});
