import { preparedStartOf, type JobRecord, type JobWorkflowInput } from '@ordo/core';
import type { ToolDefinition } from '@ordo/tools';

/**
 * The start argument the API gives a run of a job it has just read at `revision` (a job
 * `insertJob` stored and nothing changed since is at revision 0): the job's prepared start,
 * with the run defaults of `tools`.
 */
export function preparedInput(job: JobRecord, tools: readonly ToolDefinition[], revision = 0): JobWorkflowInput {
  const defaults = Object.fromEntries(tools.map((tool) => [tool.tool_id, tool.defaults ?? {}]));
  return { job_id: job.job_id, prepared: preparedStartOf(job, revision, defaults) };
}
