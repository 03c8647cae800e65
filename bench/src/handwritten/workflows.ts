/**
 * The hand-written baseline: a Temporal workflow that calls the echo activity `steps`
 * times in a row, each call taking the previous one's value, as an Ordo job of `steps`
 * noop steps chained through one variable does. Bundled on its own by the bench's
 * baseline worker; it shares no code with Ordo's job workflow.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { EchoActivities, EchoValue } from './echo-activity';

// The same options Ordo gives a tool step by default (PLATFORM_STEP_DEFAULTS), so the
// server does the same bookkeeping for each activity on both sides.
const OPTIONS = {
  startToCloseTimeout: '300 seconds',
  heartbeatTimeout: '15 seconds',
  retry: { maximumAttempts: 3, initialInterval: 1000, backoffCoefficient: 2, maximumInterval: 30_000 },
} as const;
const { echo } = proxyActivities<EchoActivities>(OPTIONS);

/** The input of `echoChain`. */
export interface EchoChainInput {
  steps: number;
  value: unknown;
  /**
   * Call this activity on another task queue instead of `echo` on the workflow's own (the
   * external tools bench's control: what another queue costs a plain workflow); it takes and
   * returns `{ value }` as `echo` does.
   */
  remote?: { task_queue: string; activity_type: string };
}

/** Calls `echo` (or `remote`) `steps` times in a row and returns the last value. */
export async function echoChain({ steps, value, remote }: EchoChainInput): Promise<EchoValue> {
  const call = remote === undefined ? echo : remoteActivity(remote);
  let current: EchoValue = { value };
  for (let i = 0; i < steps; i++) current = await call(current);
  return current;
}

function remoteActivity(remote: NonNullable<EchoChainInput['remote']>): (value: EchoValue) => Promise<EchoValue> {
  const activities = proxyActivities<Record<string, (value: EchoValue) => Promise<EchoValue>>>({
    ...OPTIONS,
    taskQueue: remote.task_queue,
  });
  const call = activities[remote.activity_type];
  if (call === undefined) throw new Error(`no activity proxy for '${remote.activity_type}'`);
  return call;
}
