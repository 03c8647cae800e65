import type { JobWorkflowInput } from '../model/job-workflow-input';

/**
 * Checks a job workflow's start argument without zod (workflow code loads no zod: see
 * README.md): the same rules as the `JobWorkflowInput` schema, which a unit test holds it to.
 */
export function readJobWorkflowInput(raw: unknown): { ok: true; input: JobWorkflowInput } | { ok: false; message: string } {
  if (!isRecord(raw)) return { ok: false, message: 'the input must be an object { job_id, started_at?, retry? }' };
  const unknown = Object.keys(raw).filter((k) => k !== 'job_id' && k !== 'started_at' && k !== 'retry');
  if (unknown.length > 0) return { ok: false, message: `unknown field ${unknown.map((k) => `'${k}'`).join(', ')}` };
  const { job_id, started_at, retry } = raw;
  if (typeof job_id !== 'string' || job_id.length === 0) return { ok: false, message: 'job_id: must be a non-empty string' };
  if (started_at !== undefined && (typeof started_at !== 'string' || !ISO_DATETIME.test(started_at))) {
    return { ok: false, message: 'started_at: must be an ISO date-time in UTC, e.g. 2031-01-01T00:00:00.000Z' };
  }
  if (retry !== undefined) {
    if (!isRecord(retry)) return { ok: false, message: 'retry: must be an object { run_id, from_step_index }' };
    const extra = Object.keys(retry).filter((k) => k !== 'run_id' && k !== 'from_step_index');
    if (extra.length > 0) return { ok: false, message: `retry: unknown field ${extra.map((k) => `'${k}'`).join(', ')}` };
    if (typeof retry.run_id !== 'string' || retry.run_id.length === 0) return { ok: false, message: 'retry.run_id: must be a non-empty string' };
    if (typeof retry.from_step_index !== 'number' || !Number.isInteger(retry.from_step_index) || retry.from_step_index < 0) {
      return { ok: false, message: 'retry.from_step_index: must be a whole number, 0 or more' };
    }
  }
  return { ok: true, input: raw as JobWorkflowInput };
}

// zod's `z.iso.datetime()` default: UTC with a `Z`, optional fractional seconds.
const ISO_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
