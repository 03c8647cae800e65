/**
 * Builders for the step lists and definitions the recorded jobs run, so a scenario reads as
 * its steps and not as the schema's nesting.
 */
import { WorkflowDefinition } from '@ordo/core';

/** A tool step `step_id` running `tool_id`, with its parameter mappings and any other fields in `extra`. */
export const step = (
  step_id: string,
  tool_id: string,
  parameter_mappings: Record<string, unknown> = {},
  extra: Record<string, unknown> = {},
) => ({
  step_id,
  tool: { tool_id, name: tool_id },
  parameter_mappings,
  ...extra,
});

/** `n` steps counting up in the variable `count`: the first writes 1, each next one `count + 1`. */
export const counting = (n: number) =>
  Array.from({ length: n }, (_, i) =>
    step(
      `c${i + 1}`,
      'noop',
      { value: i === 0 ? { const: 1 } : { expr: 'count + 1' } },
      { output_mappings: { value: 'count' } },
    ),
  );

/** A workflow definition `workflow_id` (also its name) of `steps`, parsed as the store expects. */
export const definition = (workflow_id: string, steps: unknown[]) =>
  WorkflowDefinition.parse({ workflow_id, name: workflow_id, steps });
