import type { Client } from '@temporalio/client';

/** A run's history: how many events, and how many of each type. */
export interface HistoryCount {
  total: number;
  by_type: Record<string, number>;
}

/**
 * Counts the events of a workflow's latest run. An event's type is read from the one
 * `…EventAttributes` field it carries, so no enum table is needed.
 */
export async function countHistory(client: Client, workflowId: string): Promise<HistoryCount> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const byType: Record<string, number> = {};
  for (const event of history.events ?? []) {
    const key = Object.entries(event).find(([k, v]) => k.endsWith('EventAttributes') && v != null)?.[0] ?? 'unknown';
    const type = key.replace(/EventAttributes$/, '');
    byType[type] = (byType[type] ?? 0) + 1;
  }
  return { total: history.events?.length ?? 0, by_type: byType };
}
