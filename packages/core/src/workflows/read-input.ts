import type { ComposedJobInput, JobWorkflowInput } from '../schemas/job-workflow-input';
import { STEP_TYPES } from '../steps';

/**
 * Checks a job workflow's start argument without zod (workflow code loads no zod: see
 * README.md): the same rules as the `JobWorkflowInput` schema, which a unit test holds it to.
 */
export function readJobWorkflowInput(
  raw: unknown,
): { ok: true; input: JobWorkflowInput } | { ok: false; message: string } {
  if (!isRecord(raw))
    return {
      ok: false,
      message:
        'the input must be an object { job_id, started_at?, retry?, prepared?, continued? } or { workflow_id, version?, input_values?, context?, name?, correlation_id?, schedule_id? }',
    };
  if (raw.job_id === undefined && raw.workflow_id !== undefined) return readComposedInput(raw);
  const unknown = Object.keys(raw).filter(
    (k) => k !== 'job_id' && k !== 'started_at' && k !== 'retry' && k !== 'prepared' && k !== 'continued',
  );
  if (unknown.length > 0) return { ok: false, message: `unknown field ${unknown.map((k) => `'${k}'`).join(', ')}` };
  const { job_id, started_at, retry, prepared, continued } = raw;
  if (typeof job_id !== 'string' || job_id.length === 0)
    return { ok: false, message: 'job_id: must be a non-empty string' };
  if (started_at !== undefined && (typeof started_at !== 'string' || !ISO_DATETIME.test(started_at))) {
    return { ok: false, message: 'started_at: must be an ISO date-time in UTC, e.g. 2031-01-01T00:00:00.000Z' };
  }
  if (retry !== undefined) {
    if (!isRecord(retry)) return { ok: false, message: 'retry: must be an object { run_id, from_step_index }' };
    const extra = Object.keys(retry).filter((k) => k !== 'run_id' && k !== 'from_step_index');
    if (extra.length > 0)
      return { ok: false, message: `retry: unknown field ${extra.map((k) => `'${k}'`).join(', ')}` };
    if (typeof retry.run_id !== 'string' || retry.run_id.length === 0)
      return { ok: false, message: 'retry.run_id: must be a non-empty string' };
    if (
      typeof retry.from_step_index !== 'number' ||
      !Number.isInteger(retry.from_step_index) ||
      retry.from_step_index < 0
    ) {
      return { ok: false, message: 'retry.from_step_index: must be a whole number, 0 or more' };
    }
  }
  if (prepared !== undefined) {
    if (retry !== undefined)
      return { ok: false, message: 'prepared: a prepared start is for a first run, not for a retry' };
    const problem = preparedProblem(prepared);
    if (problem !== undefined) return { ok: false, message: `prepared${problem}` };
  }
  if (continued !== undefined) {
    if (prepared !== undefined || retry !== undefined)
      return { ok: false, message: 'continued: a continued run carries neither a prepared start nor a retry' };
    const problem = continuationProblem(continued);
    if (problem !== undefined) return { ok: false, message: `continued${problem}` };
  }
  return { ok: true, input: raw as JobWorkflowInput };
}

/** What is wrong with a continuation (`RunContinuation`), as `.<field>: <rule>`, or undefined. */
function continuationProblem(continued: unknown): string | undefined {
  if (!isRecord(continued)) return ': must be an object { run_id, from, started_at, prepared, paused }';
  const extra = Object.keys(continued).filter(
    (k) => !['run_id', 'from', 'started_at', 'prepared', 'paused'].includes(k),
  );
  if (extra.length > 0) return `: unknown field ${extra.map((k) => `'${k}'`).join(', ')}`;
  if (typeof continued.run_id !== 'string' || continued.run_id.length === 0)
    return '.run_id: must be a non-empty string';
  if (!isWholeNumber(continued.from) || continued.from < 0) return '.from: must be a whole number, 0 or more';
  if (typeof continued.started_at !== 'string' || !ISO_DATETIME.test(continued.started_at))
    return '.started_at: must be an ISO date-time in UTC, e.g. 2031-01-01T00:00:00.000Z';
  if (typeof continued.prepared !== 'boolean') return '.prepared: must be true or false';
  if (typeof continued.paused !== 'boolean') return '.paused: must be true or false';
  return undefined;
}

const COMPOSED_FIELDS = new Set([
  'workflow_id',
  'version',
  'input_values',
  'context',
  'name',
  'correlation_id',
  'schedule_id',
]);
// The `Identifier` rule of the model (variable-schema.ts).
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

/** The composition form (`ComposedJobInput`): a job the run creates itself. */
function readComposedInput(
  raw: Record<string, unknown>,
): { ok: true; input: ComposedJobInput } | { ok: false; message: string } {
  const unknown = Object.keys(raw).filter((k) => !COMPOSED_FIELDS.has(k));
  if (unknown.length > 0) return { ok: false, message: `unknown field ${unknown.map((k) => `'${k}'`).join(', ')}` };
  const { workflow_id, version, input_values, context, name, correlation_id, schedule_id } = raw;
  if (typeof workflow_id !== 'string' || !IDENTIFIER.test(workflow_id)) {
    return {
      ok: false,
      message:
        'workflow_id: must start with a letter or underscore and hold only letters, digits and underscores (at most 128)',
    };
  }
  if (version !== undefined && (!isWholeNumber(version) || version < 1))
    return { ok: false, message: 'version: must be a whole number, 1 or more' };
  if (input_values !== undefined && !isRecord(input_values))
    return { ok: false, message: 'input_values: must be an object of values by variable_id' };
  if (context !== undefined && !isRecord(context)) return { ok: false, message: 'context: must be an object' };
  if (name !== undefined && (typeof name !== 'string' || name.length === 0 || name.length > 200))
    return { ok: false, message: 'name: must be a string of 1 to 200 characters' };
  if (
    correlation_id !== undefined &&
    (typeof correlation_id !== 'string' || correlation_id.length === 0 || correlation_id.length > 200)
  ) {
    return { ok: false, message: 'correlation_id: must be a string of 1 to 200 characters' };
  }
  if (
    schedule_id !== undefined &&
    (typeof schedule_id !== 'string' || schedule_id.length === 0 || schedule_id.length > 200)
  ) {
    return { ok: false, message: 'schedule_id: must be a string of 1 to 200 characters' };
  }
  return { ok: true, input: raw as ComposedJobInput };
}

/**
 * What is wrong with a prepared start, as `.<field>: <rule>`, or undefined. Its step
 * definitions are checked for their identity only: they are the stored job's, checked
 * against the step schemas when their workflow was created.
 */
function preparedProblem(prepared: unknown): string | undefined {
  if (!isRecord(prepared)) return ': must be an object';
  const p = prepared;
  const strings = ['workflow_id', 'name', 'correlation_id'] as const;
  for (const key of strings) if (typeof p[key] !== 'string') return `.${key}: must be a string`;
  for (const key of ['parent_job_id', 'root_job_id'] as const)
    if (p[key] !== undefined && typeof p[key] !== 'string') return `.${key}: must be a string`;
  if (!isWholeNumber(p.workflow_version) || p.workflow_version < 1)
    return '.workflow_version: must be a whole number, 1 or more';
  if (!isWholeNumber(p.total_steps) || p.total_steps < 1) return '.total_steps: must be a whole number, 1 or more';
  if (!isWholeNumber(p.revision) || p.revision < 0) return '.revision: must be a whole number, 0 or more';
  if (!isRecord(p.context)) return '.context: must be an object';
  if (!isRecord(p.variables)) return '.variables: must be an object';
  for (const key of ['declared', 'output_variables'] as const) {
    const list = p[key];
    if (!Array.isArray(list) || !list.every((v) => typeof v === 'string')) return `.${key}: must be a list of strings`;
  }
  const first = p.first;
  if (!isRecord(first)) return '.first: must be an object { from, steps, tools }';
  if (!isWholeNumber(first.from) || first.from < 0) return '.first.from: must be a whole number, 0 or more';
  if (!isRecord(first.tools) || !Object.values(first.tools).every(isRecord))
    return '.first.tools: must be an object of run defaults by tool_id';
  if (!Array.isArray(first.steps)) return '.first.steps: must be a list of step definitions';
  const bad = first.steps.findIndex(
    (step) =>
      !isRecord(step) ||
      typeof step.step_id !== 'string' ||
      step.step_id.length === 0 ||
      typeof step.type !== 'string' ||
      !Object.hasOwn(STEP_TYPES, step.type),
  );
  if (bad >= 0)
    return `.first.steps.${bad}: must be a step definition with a step_id and a known type (${Object.keys(STEP_TYPES).join(', ')})`;
  return undefined;
}

function isWholeNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value);
}

// zod's `z.iso.datetime()` default: UTC with a `Z`, optional fractional seconds.
const ISO_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
