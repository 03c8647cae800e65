import type { ToolDescriptor } from '@ordo/core';
import type { OrdoStore } from '@ordo/storage';

/** A built-in tool version the catalog already holds with another contract: the worker does not start. */
export class ToolRegistrationConflict extends Error {
  readonly code = 'TOOL_VERSION_CONFLICT';
  constructor(
    readonly toolId: string,
    readonly version: string,
    readonly differs: readonly string[],
  ) {
    super(
      `tool ${toolId} ${version} is already registered with another ${differs.join(', ')}: ` +
        'a registered version never changes, so give the changed tool a new version',
    );
    this.name = 'ToolRegistrationConflict';
  }
}

/**
 * Registers this worker's tools in the catalog, served on its task queue under their
 * `tool_id`, as any tool is registered (one catalog, no compiled list in the API). Through
 * the store, not the API: the worker opens the store anyway, and so needs neither the API
 * up at its start nor an admin key. Idempotent: the same versions again change nothing.
 *
 * A version already registered on another task queue, with the same contract otherwise, is
 * left as it is and returned: several Ordo workers on different queues may share one
 * database (and today a built-in tool's step runs on its job's own queue whatever the
 * catalog says). Any other difference is a changed tool under an old version: it stops the start.
 */
export async function registerWorkerTools(
  store: Pick<OrdoStore, 'tools'>,
  tools: readonly ToolDescriptor[],
  taskQueue: string,
  now: string = new Date().toISOString(),
): Promise<{ servedElsewhere: string[] }> {
  const servedElsewhere: string[] = [];
  for (const tool of tools) {
    const result = await store.tools.register({ ...tool, task_queue: taskQueue, activity_type: tool.tool_id }, now);
    if (result.ok) continue;
    if (result.differs.length === 1 && result.differs[0] === 'task_queue') {
      servedElsewhere.push(`${tool.tool_id} ${tool.version} (${result.tool.task_queue})`);
      continue;
    }
    throw new ToolRegistrationConflict(tool.tool_id, tool.version, result.differs);
  }
  return { servedElsewhere };
}
