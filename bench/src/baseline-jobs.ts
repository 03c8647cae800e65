import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { EchoValue } from './handwritten/echo-activity';
import type { EchoChainInput } from './handwritten/workflows';
import { CHAIN_VALUE } from './ordo-jobs';
import { BASELINE_TASK_QUEUE } from './stack';

/** How long one baseline run took, in milliseconds. */
export interface BaselineTiming {
  workflow_id: string;
  /** The client's start call. */
  start_ms: number;
  /** From the start call to the result. */
  start_to_result_ms: number;
}

/**
 * Starts the hand-written `echoChain` of `steps` activities with a Temporal client and waits
 * for its result; its activities on another queue with `remote`.
 */
export async function runBaseline(
  client: Client,
  steps: number,
  remote?: EchoChainInput['remote'],
): Promise<BaselineTiming> {
  const workflowId = `baseline-${randomUUID()}`;
  const input: EchoChainInput = { steps, value: CHAIN_VALUE, ...(remote !== undefined && { remote }) };
  const t0 = performance.now();
  const handle = await client.workflow.start('echoChain', {
    workflowId,
    taskQueue: BASELINE_TASK_QUEUE,
    args: [input],
  });
  const t1 = performance.now();
  const result = (await handle.result()) as EchoValue;
  const t2 = performance.now();
  if (result.value !== CHAIN_VALUE) throw new Error(`baseline ${workflowId} returned ${JSON.stringify(result)}`);
  return { workflow_id: workflowId, start_ms: t1 - t0, start_to_result_ms: t2 - t0 };
}
