import { z } from 'zod';
import { validationProblem } from './problem';

/**
 * Where a page of jobs continues: after this job in newest-first order. Strict, so a cursor
 * edited by hand is refused unless it still holds a time and an ID as the API writes them.
 */
const JobCursor = z.strictObject({ created_at: z.iso.datetime(), job_id: z.string().regex(/^[\x21-\x7e]{1,128}$/) });
type JobCursor = z.infer<typeof JobCursor>;

/** An opaque `next_cursor` for the job after which the next page starts. */
export function encodeCursor(cursor: JobCursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

/** Reads a `cursor` query parameter; a cursor not made by `encodeCursor` is a 422 naming it. */
export function decodeCursor(raw: string): JobCursor {
  try {
    return JobCursor.parse(JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')));
  } catch {
    throw validationProblem([{ field: 'query.cursor', message: 'must be a next_cursor returned by GET /v1/jobs' }]);
  }
}

/** An opaque `next_cursor` holding `position`, for lists other than jobs. */
export function encodePageCursor(position: unknown): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

/** Reads a `cursor` made by `encodePageCursor`; anything else is a 422 naming the list (`GET /v1/workflows`) it must come from. */
export function decodePageCursor<T>(raw: string, schema: z.ZodType<T>, list: string): T {
  try {
    return schema.parse(JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')));
  } catch {
    throw validationProblem([{ field: 'query.cursor', message: `must be a next_cursor returned by ${list}` }]);
  }
}
