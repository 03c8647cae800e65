import type { ToolDefinition as KitToolDefinition } from '@ordo/tool-kit';
import { TEST_TOOLS, type ToolContext } from '@ordo/tools';

/** The task queue the bench's external tool worker polls (Ordo's worker polls `bench-ordo`). */
export const EXTERNAL_TASK_QUEUE = 'bench-external';

/** The built-in side's tool: `noop`, one of the test tools Ordo's worker serves with `ORDO_TEST_TOOLS=1`. */
export const BUILTIN_TOOL_ID = 'noop';

/** The external side's tool: the same definition under another `tool_id`, on its own task queue. */
export const EXTERNAL_TOOL_ID = 'noop_external';

/**
 * The one tool definition both sides run (`noop`: returns its `value`, CPU-light, so the
 * comparison is what each path adds around the tool), with the external copy renamed so it
 * is registered beside the built-in one, `builtin: false`.
 */
export function externalNoop(): KitToolDefinition {
  const noop = TEST_TOOLS.find((tool) => tool.tool_id === BUILTIN_TOOL_ID);
  if (noop === undefined) throw new Error(`no test tool '${BUILTIN_TOOL_ID}'`);
  return {
    ...noop,
    tool_id: EXTERNAL_TOOL_ID,
    name: 'No-op (external, bench)',
    // A built-in tool's context adds Ordo's file store and step address to the kit's; noop reads neither.
    run: (params, ctx) => noop.run(params, ctx as unknown as ToolContext),
  };
}
