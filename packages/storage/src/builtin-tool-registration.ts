import type { ToolDescriptor } from '@ordo/core';
import type { OrdoStore } from './store';

/** A built-in tool version the catalog already holds with another contract: the process does not start. */
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
 * Registers Ordo's own tools in the catalog, served on `taskQueue` under their `tool_id`, as
 * any tool is registered (one catalog, no compiled list). Both Ordo processes call it at
 * start: the worker for the tools it serves, the API for the built-in descriptors, so a fresh
 * stack can publish before any worker is up. Through the store, not the API's route: both
 * open the store anyway, and so need neither the API up first nor an admin key. Idempotent:
 * the same versions again change nothing, and racing starts get the same answer.
 *
 * A version already registered on another task queue, with the same contract otherwise, is
 * left as it is and returned: several Ordo workers on different queues may share one
 * database (and today a built-in tool's step runs on its job's own queue whatever the
 * catalog says). Any other difference is a changed tool under an old version: it stops the start.
 */
export async function registerBuiltinTools(
  store: Pick<OrdoStore, 'tools'>,
  tools: readonly ToolDescriptor[],
  taskQueue: string,
  now: string = new Date().toISOString(),
): Promise<{ servedElsewhere: string[] }> {
  const servedElsewhere: string[] = [];
  for (const tool of tools) {
    const result = await store.tools.register(
      { ...tool, task_queue: taskQueue, activity_type: tool.tool_id, builtin: true },
      now,
    );
    if (result.ok) continue;
    if (result.differs.length === 1 && result.differs[0] === 'task_queue') {
      servedElsewhere.push(`${tool.tool_id} ${tool.version} (${result.tool.task_queue})`);
      continue;
    }
    throw new ToolRegistrationConflict(tool.tool_id, tool.version, result.differs);
  }
  return { servedElsewhere };
}
