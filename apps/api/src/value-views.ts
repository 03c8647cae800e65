import { isValueRef, resolveValueRefs, type BlobStore, type SchemaValue } from '@ordo/core';

/**
 * Strings longer than this are cut in the Job view (`GET /v1/jobs/{job_id}`), so reading
 * a job stays cheap however large its documents; `GET /v1/jobs/{job_id}/outputs/{variable}`
 * and the execution state return every value whole.
 */
export const VIEW_STRING_LIMIT = 100_000;

/**
 * A value for reading in the Job view: references resolved, strings over the limit cut
 * with a note saying how long they are and where the whole value is.
 */
export async function readableValue(value: SchemaValue, blobs: BlobStore, wholeAt: string): Promise<SchemaValue> {
  const resolved =
    isValueRef(value) || (typeof value === 'object' && value !== null) ? await resolveValueRefs(value, blobs) : value;
  return capStrings(resolved, wholeAt);
}

function capStrings(value: SchemaValue, wholeAt: string): SchemaValue {
  if (typeof value === 'string') {
    if (value.length <= VIEW_STRING_LIMIT) return value;
    return `${value.slice(0, VIEW_STRING_LIMIT)}… [cut: ${value.length} characters in all; GET ${wholeAt} returns the whole value]`;
  }
  if (Array.isArray(value)) return value.map((v) => capStrings(v, wholeAt));
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, capStrings(v, wholeAt)]));
  return value;
}
