import { notPublishedRefusal, resolveNewJobVersion, type WorkflowStatus } from '@ordo/core';
import type { OrdoStore, WorkflowRecord } from '@ordo/storage';
import { ApiProblem, validationProblem, versionConflict } from '../problem';

/**
 * The version a new job of `workflowId` pins: `version` when named (409 unless it is
 * PUBLISHED), else the latest PUBLISHED one (422 when there is none).
 */
export async function requireNewJobVersion(
  store: OrdoStore,
  workflowId: string,
  version: number | undefined,
): Promise<WorkflowRecord> {
  const resolved = await resolveNewJobVersion(store.workflows, workflowId, version);
  if (resolved.ok) return resolved.workflow;
  switch (resolved.code) {
    case 'WORKFLOW_NOT_FOUND':
    case 'VERSION_NOT_FOUND':
      throw validationProblem([{ field: resolved.field, message: resolved.message }]);
    case 'VERSION_NOT_PUBLISHED':
      throw notPublished(resolved.version);
    case 'WORKFLOW_NOT_PUBLISHED':
      throw new ApiProblem(422, 'WORKFLOW_NOT_PUBLISHED', 'Workflow not published', resolved.detail, [
        { field: resolved.field, message: resolved.message },
      ]);
  }
}

/** The 409 for a job asked of a version that is not PUBLISHED (named, or archived as the job was being created). */
export function notPublished(version: { workflow_id: string; version: number; status: WorkflowStatus }): ApiProblem {
  const refusal = notPublishedRefusal(version);
  return versionConflict('WORKFLOW_VERSION_NOT_PUBLISHED', refusal.message, refusal.version);
}
