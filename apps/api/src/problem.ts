import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { z } from 'zod';
import { JobStatus } from '@ordo/core';

/** Machine-readable reasons a request is refused; the `code` member of every problem body. */
export const ProblemCode = z.enum([
  'MALFORMED_REQUEST',
  'VALIDATION_FAILED',
  'NOT_FOUND',
  'WORKFLOW_EXISTS',
  'WORKFLOW_NOT_PUBLISHED',
  'JOB_NOT_PENDING',
  'JOB_NOT_RUNNING',
  'JOB_ALREADY_PAUSED',
  'JOB_NOT_PAUSED',
  'JOB_NOT_FAILED',
  'JOB_NOT_STARTED',
  'JOB_CHANGED',
  'INPUTS_INVALID',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'METHOD_NOT_ALLOWED',
  'TEMPORAL_UNAVAILABLE',
  'INTERNAL',
  'WORKFLOW_VERSION_NOT_DRAFT',
  'WORKFLOW_VERSION_NOT_PUBLISHED',
  'WORKFLOW_VERSION_ARCHIVED',
  'WORKFLOW_VERSION_CHANGED',
  'DEFINITION_INVALID',
  'STEP_NOT_WAITING',
  'UNAUTHORIZED',
  'HOST_NOT_ALLOWED',
  'HEADERS_TOO_LARGE',
  'IDEMPOTENCY_KEY_REUSED',
  'IDEMPOTENCY_KEY_IN_USE',
  'NOT_READY',
  'FILE_IN_USE',
  'DATABASE_UNAVAILABLE',
  'TOOL_VERSION_CONFLICT',
  'FORBIDDEN',
  'SIGNED_URL_REFUSED',
  'TOO_MANY_STREAMS',
  'SCHEDULE_EXISTS',
]);
export type ProblemCode = z.infer<typeof ProblemCode>;

/** One invalid field of a request, as it appears in a problem body's `errors`. */
export const FieldError = z.object({
  field: z
    .string()
    .describe(
      'Where the error is: a dotted path into the body (`steps.0.tool.tool_id`), or `query.limit`, `param.job_id`, `content-type`',
    ),
  message: z.string().describe('The rule the field broke, in one sentence'),
  rule: z
    .string()
    .optional()
    .describe(
      "The stable name of the definition rule broken (see the README's rule table), when a workflow definition broke one",
    ),
  step_id: z.string().optional().describe("The step the error is in, when it is in a workflow definition's step"),
});
export type FieldError = z.infer<typeof FieldError>;

/**
 * The body of every refused request (RFC 9457 `application/problem+json`), in the OpenAPI
 * document as the `Problem` component. Extension members may follow; those Ordo sends are declared.
 */
export const Problem = z.looseObject({
  type: z.string().describe('A URI naming the kind of problem'),
  title: z.string(),
  status: z.number().int().min(400).max(599),
  code: ProblemCode,
  detail: z.string(),
  instance: z.string().describe('The request path'),
  errors: z.array(FieldError).optional(),
  job_status: JobStatus.optional().describe("On a 409 about a job: the job's current status"),
  is_paused: z.boolean().optional().describe('On a 409 about a job: whether it is paused'),
  input_errors: z
    .record(z.string(), z.string())
    .optional()
    .describe('On a 422 `INPUTS_INVALID`: what is wrong with each input, by variable_id'),
});
export type Problem = z.infer<typeof Problem>;

/**
 * An RFC 9457 problem. Every refused request throws one; `app.onError` is the only
 * place that turns it into an `application/problem+json` response.
 */
export class ApiProblem extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: ProblemCode,
    readonly title: string,
    readonly detail: string,
    readonly errors: FieldError[] = [],
    /** Further members of the problem body (RFC 9457 extensions), e.g. the job's current state. */
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(detail);
    this.name = 'ApiProblem';
  }

  toJSON(instance: string): Record<string, unknown> {
    return {
      type: `https://ordo.dev/problems/${this.code.toLowerCase().replaceAll('_', '-')}`,
      title: this.title,
      status: this.status,
      code: this.code,
      detail: this.detail,
      instance,
      ...this.extensions,
      ...(this.errors.length > 0 && { errors: this.errors }),
    };
  }
}

/** A 422 naming each field that broke a rule. */
export function validationProblem(errors: FieldError[], detail?: string): ApiProblem {
  const summary = errors.map((e) => `${e.field}: ${e.message}`).join('; ');
  return new ApiProblem(422, 'VALIDATION_FAILED', 'Request validation failed', detail ?? summary, errors);
}

/**
 * A 409: the operation means nothing in the job's current state. The body names that
 * state (`job_status`, `is_paused`), and nothing was changed.
 */
export function jobConflict(
  code: ProblemCode,
  detail: string,
  state: { status: string; is_paused?: boolean },
): ApiProblem {
  return new ApiProblem(409, code, "Not possible in the job's current state", detail, [], {
    job_status: state.status,
    ...(state.is_paused !== undefined && { is_paused: state.is_paused }),
  });
}

/** A 503: Temporal did not answer in time, so nothing was done there (`extensions` say what was done here). */
export function temporalUnavailable(detail: string, extensions: Record<string, unknown> = {}): ApiProblem {
  return new ApiProblem(503, 'TEMPORAL_UNAVAILABLE', 'Temporal unavailable', detail, [], extensions);
}

/** How long a client is told to wait (`Retry-After`, seconds) before retrying a request the database could not serve. */
export const DATABASE_RETRY_AFTER_S = 2;

/**
 * A 503: the database could not be reached (PostgreSQL down, restarting or unreachable; SQLite
 * locked past its busy timeout). The request stopped where the database failed it, as a crash
 * there would stop it; a retry (with the same `Idempotency-Key`) finishes it.
 */
export function databaseUnavailable(): ApiProblem {
  return new ApiProblem(
    503,
    'DATABASE_UNAVAILABLE',
    'Database unavailable',
    `the database could not be reached; retry in ${DATABASE_RETRY_AFTER_S} s (Retry-After)`,
    [{ field: 'database', message: 'is unavailable' }],
  );
}

export function notFound(what: string, id: string): ApiProblem {
  return new ApiProblem(404, 'NOT_FOUND', `${what} not found`, `${what} '${id}' does not exist`);
}

/** Field errors from a zod error, with paths joined as `steps.0.tool.tool_id` under a prefix. */
export function zodFieldErrors(error: { issues: readonly z.core.$ZodIssue[] }, prefix = ''): FieldError[] {
  return error.issues.map((issue) => {
    // A definition rule's issue names its rule and step (see WorkflowDefinition in @ordo/core).
    const params =
      issue.code === 'custom' ? (issue.params as { rule?: unknown; step_id?: unknown } | undefined) : undefined;
    return {
      field: [prefix, ...issue.path.map(String)].filter((p) => p !== '').join('.') || '(body)',
      message: issue.message,
      ...(typeof params?.rule === 'string' && { rule: params.rule }),
      ...(typeof params?.step_id === 'string' && { step_id: params.step_id }),
    };
  });
}

/**
 * A 409: the change means nothing for the workflow version in its current status. The
 * body names the version and that status (`version_status`), and nothing was changed.
 */
export function versionConflict(
  code: ProblemCode,
  detail: string,
  version: { workflow_id: string; version: number; status: string },
): ApiProblem {
  return new ApiProblem(409, code, "Not possible in the workflow version's current status", detail, [], {
    workflow_id: version.workflow_id,
    version: version.version,
    version_status: version.status,
  });
}
