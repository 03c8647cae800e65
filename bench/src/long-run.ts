import type { Client } from '@temporalio/client';

type History = Awaited<ReturnType<ReturnType<Client['workflow']['getHandle']>['fetchHistory']>>;

/** One execution of a run's chain: its run ID, how many events, the largest payload in them. */
export interface ChainExecution {
  run_id: string;
  events: number;
  /** Bytes of the largest payload (an input, a result, a marker's data) the execution's history holds. */
  largest_payload_bytes: number;
  /** The event type that carried it. */
  largest_payload_event: string;
}

/**
 * The executions of a job run, in order, from its first through each continue-as-new, each
 * with its history's event count and largest payload: what Ordo sent Temporal, run by run.
 */
export async function chainOf(client: Client, workflowId: string, firstRunId: string): Promise<ChainExecution[]> {
  const chain: ChainExecution[] = [];
  let runId: string | undefined = firstRunId;
  while (runId !== undefined) {
    const history: History = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    const events = history.events ?? [];
    let largest = 0;
    let carrier = '';
    for (const event of events) {
      const type =
        Object.entries(event)
          .find(([k, v]) => k.endsWith('EventAttributes') && v != null)?.[0]
          ?.replace(/EventAttributes$/, '') ?? 'unknown';
      const size = largestPayload(event);
      if (size > largest) {
        largest = size;
        carrier = type;
      }
    }
    chain.push({
      run_id: runId,
      events: events.length,
      largest_payload_bytes: largest,
      largest_payload_event: carrier,
    });
    runId = events.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
  }
  return chain;
}

/** The largest Temporal payload (an object with `data` bytes) anywhere in `value`. */
function largestPayload(value: unknown): number {
  if (value === null || typeof value !== 'object') return 0;
  if (value instanceof Uint8Array) return 0;
  const record = value as Record<string, unknown>;
  let largest = record.data instanceof Uint8Array && 'metadata' in record ? record.data.byteLength : 0;
  for (const child of Object.values(record)) largest = Math.max(largest, largestPayload(child));
  return largest;
}
