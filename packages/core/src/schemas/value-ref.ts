import { z } from 'zod';
import type { SchemaValue } from './schema-value';

/**
 * A job value too large to travel through Temporal, stored once in the blob store by the
 * SHA-256 of its JSON text and passed on by this reference instead. Built-in tools never see one
 * (an external tool may, with a `content_url`, when its parameters would be too large otherwise):
 * the activity layer resolves references before a tool runs and stores large outputs after.
 * Workflow code and expressions see the reference as an ordinary object.
 */
export const ValueRef = z.strictObject({
  $ref: z.string().regex(/^blob:sha256:[0-9a-f]{64}$/),
  /** Bytes of the value's JSON text. */
  size: z.number().int().nonnegative(),
  /** The JSON type of the value behind the reference. */
  type: z.enum(['string', 'number', 'boolean', 'null', 'array', 'object']),
});
export type ValueRef = z.infer<typeof ValueRef>;

/** Whether a value is a reference to a stored value. */
export function isValueRef(value: unknown): value is ValueRef {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    '$ref' in value &&
    ValueRef.safeParse(value).success
  );
}

/** The content hash a reference names. */
export function refHash(ref: ValueRef): string {
  return ref.$ref.slice('blob:sha256:'.length);
}

/**
 * Content-addressed bytes: the same bytes are stored once, under their SHA-256 (hex).
 * Implemented by `@ordo/storage` on the local disk; an object store can stand in later.
 */
export interface BlobStore {
  /** Stores bytes (idempotent) and returns their hash and size. */
  put(bytes: Uint8Array): Promise<{ sha256: string; size: number }>;
  /** The bytes stored under a hash, or undefined when there are none. */
  get(sha256: string): Promise<Uint8Array | undefined>;
}

/** Default size above which a value is stored by reference: well under Temporal's 2 MB payload limit. */
export const DEFAULT_INLINE_VALUE_LIMIT_BYTES = 256 * 1024;

function jsonType(value: SchemaValue): ValueRef['type'] {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value as 'string' | 'number' | 'boolean' | 'object';
}

/**
 * Stores every value of `values` whose JSON text is over `limitBytes` and replaces it with
 * its reference. Then, while the values together are still over the limit, the largest
 * remaining ones go the same way, so one record never carries more than about `limitBytes`
 * inline, however many outputs a step has.
 */
export async function storeLargeValues(
  values: Readonly<Record<string, SchemaValue>>,
  blobs: BlobStore,
  limitBytes: number,
): Promise<Record<string, SchemaValue>> {
  const encoder = new TextEncoder();
  const encoded = Object.entries(values).map(([name, value]) => ({
    name,
    value,
    bytes: encoder.encode(JSON.stringify(value)),
  }));
  const out: Record<string, SchemaValue> = {};
  let inline = encoded.reduce((sum, e) => sum + e.bytes.byteLength, 0);
  const bySizeDesc = [...encoded].sort((a, b) => b.bytes.byteLength - a.bytes.byteLength);
  const stored = new Set<string>();
  for (const entry of bySizeDesc) {
    if (entry.bytes.byteLength <= limitBytes && inline <= limitBytes) break;
    // A reference itself is ~120 bytes; storing something smaller than that gains nothing.
    if (entry.bytes.byteLength < 256) break;
    stored.add(entry.name);
    inline -= entry.bytes.byteLength;
  }
  for (const entry of encoded) {
    if (!stored.has(entry.name) || isValueRef(entry.value)) {
      out[entry.name] = entry.value;
      continue;
    }
    const { sha256, size } = await blobs.put(entry.bytes);
    out[entry.name] = { $ref: `blob:sha256:${sha256}`, size, type: jsonType(entry.value) };
  }
  return out;
}

/** The error raised when a reference names a value the blob store does not have. */
export class MissingValueError extends Error {
  constructor(readonly ref: ValueRef) {
    super(`stored value ${ref.$ref} (${ref.size} bytes) is missing from the blob store`);
    this.name = 'MissingValueError';
  }
}

/** Replaces every reference inside `value` (at any depth) with the value it names. */
export async function resolveValueRefs(value: SchemaValue, blobs: BlobStore): Promise<SchemaValue> {
  if (value === null || typeof value !== 'object') return value;
  if (isValueRef(value)) {
    const bytes = await blobs.get(refHash(value));
    if (bytes === undefined) throw new MissingValueError(value);
    return JSON.parse(new TextDecoder().decode(bytes)) as SchemaValue;
  }
  if (Array.isArray(value)) return Promise.all(value.map((v) => resolveValueRefs(v, blobs)));
  const entries = await Promise.all(
    Object.entries(value).map(async ([k, v]) => [k, await resolveValueRefs(v, blobs)] as const),
  );
  return Object.fromEntries(entries);
}

/** `resolveValueRefs` over a record of values, e.g. a tool's parameters. */
export async function resolveValueRecord(
  values: Readonly<Record<string, SchemaValue>>,
  blobs: BlobStore,
): Promise<Record<string, SchemaValue>> {
  return (await resolveValueRefs({ ...values }, blobs)) as Record<string, SchemaValue>;
}
