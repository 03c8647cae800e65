import { z } from 'zod';
import type { RegisteredTool, ToolRefKey } from '@ordo/core';
import type { AppDeps } from './deps';
import { FieldError } from './problem';
import { WORKER_CHECK_TTL_MS, WORKER_POLL_WINDOW_MS, type TaskQueuePollers } from './worker-check';

/** The rule a publish warns under when a tool step's tool has no worker. */
export const TOOL_WORKER_RULE = 'tool_worker_available';

/** Whether a worker serves a tool version: who polls the task queue its steps run on. */
export const ToolWorkers = z.object({
  task_queue: z
    .string()
    .describe(
      "The task queue the tool's activities run on: its registered `task_queue`, or for Ordo's built-in tools the queue Ordo's own worker serves (the API's `ORDO_TASK_QUEUE`)",
    ),
  available: z
    .boolean()
    .nullable()
    .describe(
      `Whether a worker polls the queue's activity tasks (seen by Temporal within ${WORKER_POLL_WINDOW_MS / 1000} s); null when Temporal could not be asked (see \`reason\`)`,
    ),
  pollers: z
    .array(
      z.object({
        identity: z.string().describe("The worker's identity, as its SDK reports it (e.g. `pid@host`)"),
        last_access_time: z.string().describe('When Temporal last saw it poll (ISO 8601)'),
      }),
    )
    .describe(`The workers seen polling within ${WORKER_POLL_WINDOW_MS / 1000} s, most recent first`),
  checked_at: z
    .string()
    .describe(
      `When Temporal was asked (ISO 8601); one answer per task queue is reused for ${WORKER_CHECK_TTL_MS / 1000} s`,
    ),
  reason: z.string().nullable().describe('Why `available` is null: Temporal could not be asked; null otherwise'),
});
export type ToolWorkers = z.infer<typeof ToolWorkers>;

/** Something a publish is not refused for but that may stop its jobs: a tool no worker serves. */
export const DefinitionWarning = FieldError.extend({
  rule: z
    .literal(TOOL_WORKER_RULE)
    .describe(
      "The warning's stable name: `tool_worker_available` (no worker polls the task queue of the step's tool version, or Temporal could not be asked)",
    ),
});
export type DefinitionWarning = z.infer<typeof DefinitionWarning>;

/** A tool step of a definition, as far as liveness reads it. */
interface ToolStepShape {
  step_id: string;
  type?: string | undefined;
  tool?: ToolRefKey;
}

/**
 * Tool liveness: which task queue serves a tool version and whether a worker polls it
 * (activity tasks: tools are activities), from Temporal's reused answers.
 *
 * Ordo's built-in tools (the catalog's `builtin`) are served by Ordo's own worker on the
 * API's task queue, whatever queue their catalog row names (the queue of whichever Ordo
 * process registered them first: `docs/design/tool-catalog.md`); every other tool on its
 * registered `task_queue`, where its steps are dispatched.
 */
export class ToolLiveness {
  constructor(
    private readonly deps: Pick<AppDeps, 'temporal'>,
    private readonly pollers: TaskQueuePollers,
  ) {}

  /** The task queue a tool version's steps run on. */
  servingQueue(tool: Pick<RegisteredTool, 'builtin' | 'task_queue'>): string {
    return tool.builtin ? this.deps.temporal.taskQueue : tool.task_queue;
  }

  /** Who serves a tool version; never throws (Temporal unreachable is `available: null`). */
  async workersOf(tool: Pick<RegisteredTool, 'builtin' | 'task_queue'>): Promise<ToolWorkers> {
    const task_queue = this.servingQueue(tool);
    const answer = await this.pollers.pollers(task_queue, 'activity');
    return answer.ok
      ? {
          task_queue,
          available: answer.pollers.length > 0,
          pollers: answer.pollers,
          checked_at: answer.checked_at,
          reason: null,
        }
      : { task_queue, available: null, pollers: [], checked_at: answer.checked_at, reason: answer.reason };
  }

  /**
   * A warning for each tool step of `steps` whose tool version (each resolved in `tools`: the
   * version it pins) no worker polls, or of which Temporal could not say: a publish is not
   * refused for it (the worker may come later; the job's step waits for it).
   */
  async warnings(
    steps: readonly ToolStepShape[],
    tools: readonly Pick<RegisteredTool, 'tool_id' | 'version' | 'task_queue' | 'builtin'>[],
  ): Promise<DefinitionWarning[]> {
    const found = await Promise.all(
      steps.map(async (step, index): Promise<DefinitionWarning | undefined> => {
        if (step.type !== 'tool' || step.tool?.version === undefined) return undefined;
        const { tool_id, version } = step.tool;
        const tool = tools.find((t) => t.tool_id === tool_id && t.version === version);
        if (!tool) return undefined;
        const workers = await this.workersOf(tool);
        if (workers.available === true) return undefined;
        const message =
          workers.available === false
            ? `no worker polls task queue '${workers.task_queue}' for tool '${tool_id}' ${version}: its steps wait until one does`
            : `could not check whether a worker polls task queue '${workers.task_queue}' for tool '${tool_id}' ${version}: ${workers.reason}`;
        return { field: `steps.${index}.tool`, message, rule: TOOL_WORKER_RULE, step_id: step.step_id };
      }),
    );
    return found.filter((w) => w !== undefined);
  }
}
