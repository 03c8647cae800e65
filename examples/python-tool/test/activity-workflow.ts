import { ActivityCancellationType, proxyActivities } from '@temporalio/workflow';

/** What {@link runActivity} schedules: one activity of any type, on any task queue. */
export interface ActivityCall {
  activityType: string;
  taskQueue: string;
  /** The activity's one argument: a tool's parameters object. */
  params: Record<string, unknown>;
  heartbeatTimeoutMs: number;
  maximumAttempts: number;
}

/**
 * Runs one activity the way a job step will once dispatch exists (issue 17): the parameters
 * object as its only argument, on the tool's task queue, its result returned. Waits for a
 * cancelled activity to end, so the test sees what the tool itself did with the cancellation.
 */
export async function runActivity(call: ActivityCall): Promise<unknown> {
  const activities = proxyActivities<Record<string, (params: Record<string, unknown>) => Promise<unknown>>>({
    taskQueue: call.taskQueue,
    startToCloseTimeout: '2 minutes',
    heartbeatTimeout: call.heartbeatTimeoutMs,
    retry: { maximumAttempts: call.maximumAttempts, initialInterval: '200 ms' },
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  });
  const activity = activities[call.activityType];
  if (!activity) throw new Error(`no activity ${call.activityType}`);
  return activity(call.params);
}
