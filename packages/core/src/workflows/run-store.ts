import { proxyLocalActivities } from '@temporalio/workflow';
import type { RunStoreActivities } from '../schemas/run-store-contract';

// The run store is Ordo's own database, next to the worker: local activities keep its
// reads and writes off the task queue and out of the history but for one marker each.
// Persisting must eventually succeed (a finished job's outputs must not be lost to a
// briefly locked database or a database outage), so attempts are unlimited, and at most 5 s
// apart, so a run goes on within 5 s of the database's return (30 s apart, a run could sit
// 15 s past the end of a 20 s outage). Retries of a local activity leave nothing in the
// history (under the SDK's one-minute threshold they are no timers), so recorded runs replay.
/** The run store's local activities, as the job workflow calls them. */
export const runStore = proxyLocalActivities<RunStoreActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '5 seconds' },
});
