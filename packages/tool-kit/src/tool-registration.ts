import type { ToolDescriptor } from './tool-descriptors.js';

/** Where Ordo's API is and the admin-scoped key that may register tools (`ORDO_API_KEYS`: `admin:<key>`, or a bare key). */
export interface OrdoConnection {
  /** The API's base URL, e.g. `http://127.0.0.1:3000`. */
  url: string;
  key: string;
}

/** What registering one tool version did. */
export interface ToolRegistrationResult {
  tool_id: string;
  version: string;
  /** True when this version is new (201); false when it was registered before with this same contract (200). */
  created: boolean;
}

/** A registration Ordo refused: `status` and the problem's `code`; `fields` are the fields a 409 or 422 names. */
export class ToolRegistrationError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string | undefined,
    readonly fields: readonly string[],
  ) {
    super(message);
    this.name = 'ToolRegistrationError';
  }
}

interface Problem {
  code?: string;
  detail?: string;
  errors?: { field?: string; message?: string }[];
}

/**
 * Registers one tool version with Ordo's catalog: `PUT {url}/v1/tools/{tool_id}`. The same
 * contract again is a 200 (so a worker registers at every start); a different contract under
 * a registered version is a 409 naming what differs, thrown as a `ToolRegistrationError`
 * (change the version). Any other failure throws too, with the problem's detail.
 */
export async function registerTool(
  ordo: OrdoConnection,
  descriptor: ToolDescriptor,
  where: { taskQueue: string; activityType: string },
): Promise<ToolRegistrationResult> {
  const { tool_id, ...contract } = descriptor;
  const res = await fetch(`${ordo.url.replace(/\/+$/, '')}/v1/tools/${encodeURIComponent(tool_id)}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${ordo.key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ ...contract, task_queue: where.taskQueue, activity_type: where.activityType }),
  });
  if (res.status === 200 || res.status === 201) {
    await res.body?.cancel();
    return { tool_id, version: descriptor.version, created: res.status === 201 };
  }
  const problem = (await res.json().catch(() => ({}))) as Problem;
  const fields = (problem.errors ?? []).flatMap((e) => (e.field === undefined ? [] : [e.field]));
  const why =
    res.status === 409
      ? `${tool_id} ${descriptor.version} is registered with another contract (differs: ${fields.join(', ')}); a version never changes: give the changed tool a new version`
      : `registering ${tool_id} ${descriptor.version} failed: HTTP ${res.status}${problem.detail ? `: ${problem.detail}` : ''}`;
  throw new ToolRegistrationError(why, res.status, problem.code, fields);
}
