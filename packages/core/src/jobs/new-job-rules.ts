import type { StepDefinition } from '../steps';
import { fileIdsIn, validateInputs } from '../model/input-validation';
import { subWorkflowRefs } from './new-job';
import type { FileValue, SchemaValue } from '../schemas/schema-value';
import type { WorkflowStatus } from '../schemas/status';
import type { InputVariable } from '../schemas/variable-schema';

/** What the rules of a new job read of a workflow version: its number and status. */
export interface VersionOfWorkflow {
  workflow_id: string;
  version: number;
  status: WorkflowStatus;
}

/** The reads of workflow versions the rules of a new job make (the store's workflow repository has them). */
export interface WorkflowVersionReads<W extends VersionOfWorkflow> {
  /** `version` of `workflowId`, or its latest version when none is named. */
  get(workflowId: string, version?: number): Promise<W | undefined>;
  latestPublished(workflowId: string): Promise<W | undefined>;
}

/**
 * The version a new job of a workflow runs, or why there is none, with the sentences every
 * creator answers (the API's `POST /v1/jobs`, a run creating its own job, a sub-workflow).
 */
export type NewJobVersionResult<W extends VersionOfWorkflow> =
  | { ok: true; workflow: W }
  | {
      ok: false;
      code: 'WORKFLOW_NOT_FOUND' | 'VERSION_NOT_FOUND';
      field: 'workflow_id' | 'workflow_version';
      message: string;
    }
  | NotPublishedRefusal
  | { ok: false; code: 'WORKFLOW_NOT_PUBLISHED'; field: 'workflow_id'; message: string; detail: string };

/** The refusal of a version that is not PUBLISHED (named, or archived as the job was being created). */
export interface NotPublishedRefusal {
  ok: false;
  code: 'VERSION_NOT_PUBLISHED';
  field: 'workflow_version';
  version: VersionOfWorkflow;
  message: string;
}

/** `version` of `workflowId` when named (it must be PUBLISHED), else its latest PUBLISHED version. */
export async function resolveNewJobVersion<W extends VersionOfWorkflow>(
  workflows: WorkflowVersionReads<W>,
  workflowId: string,
  version: number | undefined,
): Promise<NewJobVersionResult<W>> {
  if (version !== undefined) {
    const named = await workflows.get(workflowId, version);
    if (!named)
      return {
        ok: false,
        code: 'VERSION_NOT_FOUND',
        field: 'workflow_version',
        message: `workflow '${workflowId}' version ${version} does not exist`,
      };
    if (named.status !== 'PUBLISHED') return notPublishedRefusal(named);
    return { ok: true, workflow: named };
  }
  const published = await workflows.latestPublished(workflowId);
  if (published) return { ok: true, workflow: published };
  const latest = await workflows.get(workflowId);
  if (!latest)
    return {
      ok: false,
      code: 'WORKFLOW_NOT_FOUND',
      field: 'workflow_id',
      message: `workflow '${workflowId}' does not exist`,
    };
  return {
    ok: false,
    code: 'WORKFLOW_NOT_PUBLISHED',
    field: 'workflow_id',
    message: `must name a workflow with a PUBLISHED version; '${workflowId}' has none`,
    detail: `workflow '${workflowId}' has no PUBLISHED version; only PUBLISHED versions can run jobs (version ${latest.version} is ${latest.status})`,
  };
}

/** {@link NotPublishedRefusal} of `version`. */
export function notPublishedRefusal(version: VersionOfWorkflow): NotPublishedRefusal {
  return {
    ok: false,
    code: 'VERSION_NOT_PUBLISHED',
    field: 'workflow_version',
    version: { workflow_id: version.workflow_id, version: version.version, status: version.status },
    message: `version ${version.version} of workflow '${version.workflow_id}' is ${version.status}; jobs can be created only from a PUBLISHED version`,
  };
}

/**
 * The version each sub-workflow step of a new job runs, for the steps that pin none: the
 * target's latest PUBLISHED version now, so the job, its replays and every child it starts
 * agree on it. A target with none stays unpinned; its child then fails, saying so.
 */
export async function pinSubWorkflowVersions(
  workflows: Pick<WorkflowVersionReads<VersionOfWorkflow>, 'latestPublished'>,
  steps: readonly StepDefinition[],
): Promise<Record<string, number>> {
  const unpinned = [
    ...new Set(
      subWorkflowRefs(steps)
        .filter((ref) => ref.version === undefined)
        .map((ref) => ref.workflow_id),
    ),
  ];
  const pins: Record<string, number> = {};
  await Promise.all(
    unpinned.map(async (workflowId) => {
      const published = await workflows.latestPublished(workflowId);
      if (published) pins[workflowId] = published.version;
    }),
  );
  return pins;
}

/**
 * A job's input values checked as the API checks them ({@link validateInputs}), every file
 * they name looked up once in `files` (the store's file store has `fileValue`).
 */
export async function validateInputsWithFiles(
  files: { fileValue(fileId: string): Promise<FileValue | undefined> },
  variables: readonly InputVariable[],
  values: Readonly<Record<string, unknown>>,
): Promise<{ values: Record<string, SchemaValue>; errors: Record<string, string> }> {
  const ids = variables.flatMap((v) => fileIdsIn(v.schema, values[v.variable_id]));
  const found = new Map<string, FileValue>();
  await Promise.all(
    [...new Set(ids)].map(async (id) => {
      const file = await files.fileValue(id);
      if (file) found.set(id, file);
    }),
  );
  return validateInputs(variables, values, (id) => found.get(id));
}
