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
const { echo } = proxyActivities<EchoActivities>({
  startToCloseTimeout: '300 seconds',
  heartbeatTimeout: '15 seconds',
  retry: { maximumAttempts: 3, initialInterval: 1000, backoffCoefficient: 2, maximumInterval: 30_000 },
});

/** The input of `echoChain`. */
export interface EchoChainInput {
  steps: number;
  value: unknown;
}

/** Calls `echo` `steps` times in a row and returns the last value. */
export async function echoChain({ steps, value }: EchoChainInput): Promise<EchoValue> {
  let current: EchoValue = { value };
  for (let i = 0; i < steps; i++) current = await echo(current);
  return current;
}
