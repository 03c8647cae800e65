import type { z } from 'zod';
import type { ToolActivities, ToolActivity } from '@ordo/core';
import type { FileReader } from './file-reader';
import { activityProgress } from './progress';
import type { ToolContext, ToolDefinition } from './tool-definition';
import { asToolFailure, toolFailure } from './tool-error';

/** What the tool activities need from the rest of the system. */
export interface ToolDependencies {
  files: FileReader;
}

/** Registers every tool as an activity under its `tool_id`. */
export function toolActivities(tools: readonly ToolDefinition[], deps: ToolDependencies): ToolActivities {
  const context: ToolContext = { files: deps.files, progress: activityProgress };
  return Object.fromEntries(tools.map((tool) => [tool.tool_id, toolActivity(tool, context)]));
}

/**
 * One tool as an activity: parameters are checked against the tool's schema before it
 * runs (a mapping error is permanent, so INVALID_PARAMETERS is not retried), and anything
 * it throws leaves as a tool failure.
 */
export function toolActivity(tool: ToolDefinition, context: ToolContext): ToolActivity {
  return async (raw) => {
    const parsed = tool.params.safeParse(raw, { error: (issue) => (issue.input === undefined ? 'is required' : undefined) });
    if (!parsed.success) throw toolFailure('INVALID_PARAMETERS', formatIssues(parsed.error.issues));
    try {
      return await tool.run(parsed.data, context);
    } catch (err) {
      throw asToolFailure(err, tool.tool_id);
    }
  };
}

/** `<param path>: <rule>` for each problem, e.g. `input_file.file_id: is required`. */
function formatIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues.map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : 'params'}: ${issue.message}`).join('; ');
}
