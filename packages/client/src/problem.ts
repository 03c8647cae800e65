import type { components } from './generated/openapi';

/** An RFC 9457 problem as Ordo answers it (`application/problem+json`). */
export type Problem = components['schemas']['Problem'];

/** One entry of a problem's `errors[]`: the field and the rule it broke. */
export type FieldError = NonNullable<Problem['errors']>[number];

/** True when `body` has a problem's fields (`status`, `code`, `detail`). */
export function isProblem(body: unknown): body is Problem {
  if (typeof body !== 'object' || body === null) return false;
  const { status, code, detail } = body as Record<string, unknown>;
  return typeof status === 'number' && typeof code === 'string' && typeof detail === 'string';
}

/**
 * An answer that was not a success: the problem the API sent, or (a proxy's page, a crash)
 * the status and what the body said.
 */
export class OrdoApiError extends Error {
  override readonly name = 'OrdoApiError';

  constructor(
    readonly status: number,
    readonly problem: Problem | undefined,
    body?: unknown,
  ) {
    super(
      problem
        ? `${problem.status} ${problem.code}: ${problem.detail}`
        : `HTTP ${status}${typeof body === 'string' && body ? `: ${body.slice(0, 200)}` : ''}`,
    );
  }

  /** What a person reads: the detail, then each field and the rule it broke. */
  describe(): string[] {
    if (!this.problem) return [this.message];
    return [this.problem.detail, ...describeFieldErrors(this.problem.errors ?? [])];
  }
}

/** One line per field error: `  field: rule` (with the definition rule's name and step when given). */
export function describeFieldErrors(errors: readonly FieldError[]): string[] {
  return errors.map((error) => {
    const where = error.step_id && !error.field.includes(error.step_id) ? ` (step ${error.step_id})` : '';
    return `  ${error.field}: ${error.message}${error.rule ? ` [${error.rule}]` : ''}${where}`;
  });
}

/** What an openapi-fetch call resolves to. */
interface FetchResult<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/**
 * The answer's data, or an {@link OrdoApiError} thrown with the problem it carried:
 * `const job = await ok(client.GET('/v1/jobs/{job_id}', …))`.
 */
export async function ok<T>(call: Promise<FetchResult<T>> | FetchResult<T>): Promise<T> {
  const { data, error, response } = await call;
  if (response.ok) return data as T;
  throw new OrdoApiError(response.status, isProblem(error) ? error : undefined, error);
}
