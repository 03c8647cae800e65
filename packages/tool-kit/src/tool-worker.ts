import type { NativeConnection, NativeConnectionOptions, Worker } from '@temporalio/worker';
import { toolActivity, type ToolActivityFunction } from './tool-activity.js';
import { describeTool } from './tool-descriptors.js';
import type { ToolDefinition } from './tool-definition.js';
import { registerTool, type OrdoConnection, type ToolRegistrationResult } from './tool-registration.js';

/** What `runToolWorker` serves, where, and whom it registers with. */
export interface ToolWorkerOptions {
  /** The tools (of any schemas: `run` is a method, so the list takes them all). */
  tools: readonly ToolDefinition[];
  /** The task queue Ordo sends these tools' steps to (registered as each tool's `task_queue`). */
  taskQueue: string;
  /** Ordo's API and an admin key: each tool is registered before the worker polls. */
  ordo: OrdoConnection;
  /** A connection to Temporal, or how to make one; default `127.0.0.1:7233`. */
  connection?: NativeConnection | NativeConnectionOptions;
  /** Temporal namespace; default `default`. */
  namespace?: string;
  /** At most this many tool attempts at once on this worker; Temporal's default otherwise. */
  maxConcurrentActivityTaskExecutions?: number;
}

/** A running tool worker. */
export interface ToolWorkerHandle {
  /** What each registration did (new or already there). */
  readonly registrations: readonly ToolRegistrationResult[];
  readonly worker: Worker;
  /** Settles when the worker has stopped (rejects if it failed). */
  readonly done: Promise<void>;
  /** Stops polling, lets running attempts end (Temporal's shutdown grace time), and closes a connection it made. */
  shutdown(): Promise<void>;
}

/**
 * Registers every tool with Ordo (`PUT /v1/tools/{tool_id}`; a 409, a changed contract under
 * an old version, stops here naming the fields) and then runs a Temporal worker on
 * `taskQueue` serving each tool's activity under its `activity_type` (default its
 * `tool_id`). `@temporalio/worker` is loaded only here, so a module that only defines tools
 * never loads it.
 */
export async function runToolWorker(options: ToolWorkerOptions): Promise<ToolWorkerHandle> {
  const activities: Record<string, ToolActivityFunction> = {};
  for (const tool of options.tools) {
    const type = activityTypeOf(tool);
    if (type in activities) throw new Error(`Two tools are served under the activity type '${type}'`);
    activities[type] = toolActivity(tool);
  }
  const registrations: ToolRegistrationResult[] = [];
  for (const tool of options.tools)
    registrations.push(
      await registerTool(options.ordo, describeTool(tool), {
        taskQueue: options.taskQueue,
        activityType: activityTypeOf(tool),
      }),
    );

  const { NativeConnection, Worker } = await import('@temporalio/worker');
  const given = options.connection;
  const ours = given instanceof NativeConnection ? undefined : await NativeConnection.connect(given ?? {});
  const connection = ours ?? (given as NativeConnection);
  let worker: Worker;
  try {
    worker = await Worker.create({
      connection,
      namespace: options.namespace ?? 'default',
      taskQueue: options.taskQueue,
      activities,
      ...(options.maxConcurrentActivityTaskExecutions !== undefined && {
        maxConcurrentActivityTaskExecutions: options.maxConcurrentActivityTaskExecutions,
      }),
    });
  } catch (err) {
    await ours?.close();
    throw err;
  }
  const done = worker.run().finally(() => ours?.close());
  return {
    registrations,
    worker,
    done,
    async shutdown() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await done;
    },
  };
}

function activityTypeOf(tool: ToolDefinition): string {
  return tool.activity_type ?? tool.tool_id;
}
