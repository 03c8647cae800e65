import {
  outputVariableNames,
  resolveNewJobVersion,
  subWorkflowRefs,
  type StepDefinition,
  type SubWorkflowTarget,
  type WorkflowLookup,
} from '@ordo/core';
import type { OrdoStore } from '@ordo/storage';

/** How many workflows one check loads at most: a chain or cycle beyond the depth limit needs no more. */
const MAX_LOADED = 200;

/**
 * The other workflows a definition's sub-workflow steps reach, loaded before its check (a
 * step's check is synchronous workflow code): each target as a job of it would run it (its
 * pinned version, else its latest PUBLISHED one), and theirs in turn, breadth first.
 */
export async function workflowLookupFor(
  store: Pick<OrdoStore, 'workflows'>,
  self: string,
  steps: readonly StepDefinition[],
): Promise<WorkflowLookup> {
  const targets = new Map<string, SubWorkflowTarget>();
  const key = (workflowId: string, version: number | undefined) => `${workflowId}@${version ?? 'published'}`;
  let frontier = subWorkflowRefs(steps);
  while (frontier.length > 0 && targets.size < MAX_LOADED) {
    const next: typeof frontier = [];
    for (const ref of frontier) {
      const k = key(ref.workflow_id, ref.version);
      if (targets.has(k)) continue;
      const resolved = await resolveNewJobVersion(store.workflows, ref.workflow_id, ref.version);
      if (!resolved.ok) {
        targets.set(k, {
          found: false,
          message: resolved.code === 'WORKFLOW_NOT_PUBLISHED' ? resolved.detail : resolved.message,
        });
        continue;
      }
      const workflow = resolved.workflow;
      const refs = subWorkflowRefs(workflow.steps);
      targets.set(k, {
        found: true,
        workflow_id: workflow.workflow_id,
        version: workflow.version,
        output_variables: outputVariableNames(workflow),
        sub_workflows: refs,
      });
      next.push(...refs);
    }
    frontier = next;
  }
  return {
    self,
    resolve: (workflowId, version) =>
      targets.get(key(workflowId, version)) ?? {
        found: false,
        message: `workflow '${workflowId}' was not looked up (too many sub-workflows to check)`,
      },
  };
}
