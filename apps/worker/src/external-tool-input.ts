import {
  isValueRef,
  MissingValueError,
  ordoFilledParameters,
  refHash,
  type BlobStore,
  type JsonSchemaDocument,
  type SchemaValue,
  type ToolParams,
  type UrlSigner,
  type ValueRef,
} from '@ordo/core';

/**
 * The parameters of an external tool (a Temporal activity served elsewhere, in any language,
 * with no access to Ordo's database or blob store) as it receives them: plain JSON, with its
 * files and large values readable over plain HTTP through signed URLs (docs/tools.md, "Files
 * and large values"). Called by the dispatch activity before it schedules the tool's activity.
 */

/**
 * How large (bytes of JSON) an external tool's parameters may grow when Ordo resolves its value
 * references: well below Temporal's 2 MB payload limit (the activity's input carries them
 * whole, beside its headers). Past it, the largest references stay references, with a URL.
 */
export const EXTERNAL_TOOL_INLINE_LIMIT_BYTES = 1024 * 1024;

export interface ExternalToolInputOptions {
  jobId: string;
  /** The tool's registered `parameters` JSON Schema. */
  parameters: JsonSchemaDocument;
  /** How long the step may still run (its attempts, timeouts and backoff): the URLs' lifetime, at least ORDO_FILE_URL_TTL_SECONDS. */
  validForSeconds: number;
}

export interface ExternalToolInput {
  /** The parameters as the external tool receives them: plain JSON, files and large values readable over HTTP. */
  prepare(params: ToolParams, options: ExternalToolInputOptions): Promise<ToolParams>;
}

/** Why an external tool's parameters could not be prepared. */
export type ExternalToolInputErrorCode = 'URL_SIGNING_NOT_CONFIGURED';

/** Raised by `prepare` when a parameter needs a signed URL and the worker has no signing key. */
export class ExternalToolInputError extends Error {
  constructor(
    readonly code: ExternalToolInputErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ExternalToolInputError';
  }
}

/** A file reference (FileValue) as jobs carry it: `file_id` and `name`, and nothing but its optional members. */
const FILE_VALUE_KEYS = new Set(['file_id', 'name', 'mime_type', 'size', 'content_url']);
function isFileValue(value: SchemaValue): value is { file_id: string; name: string } & Record<string, SchemaValue> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  return (
    typeof value.file_id === 'string' &&
    value.file_id !== '' &&
    typeof value.name === 'string' &&
    value.name !== '' &&
    Object.keys(value).every((key) => FILE_VALUE_KEYS.has(key))
  );
}

const encoder = new TextEncoder();
const jsonBytes = (value: unknown) => encoder.encode(JSON.stringify(value)).byteLength;

/** Every value reference in `value`, by its `$ref` (one entry for a value referenced twice). */
function collectRefs(value: SchemaValue, into = new Map<string, ValueRef>()): Map<string, ValueRef> {
  if (isValueRef(value)) into.set(value.$ref, value);
  else if (Array.isArray(value)) for (const item of value) collectRefs(item, into);
  else if (typeof value === 'object' && value !== null)
    for (const item of Object.values(value)) collectRefs(item, into);
  return into;
}

/**
 * Makes an external tool's parameters from a step's resolved ones (`deps.signer` signs with
 * `ORDO_URL_SIGNING_KEY` under `ORDO_PUBLIC_URL`):
 * - every value reference (`ValueRef`) is replaced by its value, unless the parameters would then
 *   be over `inlineLimitBytes` (1 MiB): the largest stay references, each given a `content_url`
 *   serving its JSON;
 * - every FileValue, at any depth, is given a `content_url` serving its bytes;
 * - every parameter whose schema says `"x-ordo-upload-url": true` is set to an upload URL for the job.
 * Each URL is for that one file, value or upload, for the job, for `validForSeconds` (at least the
 * signer's minimum). The parameters given are not changed.
 */
export function createExternalToolInput(deps: {
  blobs: BlobStore;
  signer: UrlSigner | undefined;
  inlineLimitBytes?: number;
}): ExternalToolInput {
  const limit = deps.inlineLimitBytes ?? EXTERNAL_TOOL_INLINE_LIMIT_BYTES;
  return {
    async prepare(params, options) {
      const url = (kind: 'file' | 'value' | 'upload', resource: string): string => {
        if (deps.signer === undefined)
          throw new ExternalToolInputError(
            'URL_SIGNING_NOT_CONFIGURED',
            `job ${options.jobId}: an external tool's file, large value or upload URL needs ORDO_URL_SIGNING_KEY (and ORDO_PUBLIC_URL) on the worker`,
          );
        return deps.signer.url(kind, resource, options.jobId, options.validForSeconds);
      };

      // Which references stay references: the largest, while resolving them all would pass the limit.
      const refs = [...collectRefs(params).values()].sort((a, b) => b.size - a.size);
      let resolvedSize = jsonBytes(params) + refs.reduce((sum, ref) => sum + ref.size - jsonBytes(ref), 0);
      const kept = new Set<string>();
      for (const ref of refs) {
        if (resolvedSize <= limit) break;
        kept.add(ref.$ref);
        resolvedSize -= ref.size - jsonBytes(ref);
      }

      const values = new Map<string, Promise<SchemaValue>>();
      const resolve = (ref: ValueRef) => {
        let value = values.get(ref.$ref);
        if (value === undefined) {
          value = deps.blobs.get(refHash(ref)).then((bytes) => {
            if (bytes === undefined) throw new MissingValueError(ref);
            return JSON.parse(new TextDecoder().decode(bytes)) as SchemaValue;
          });
          values.set(ref.$ref, value);
        }
        return value;
      };
      const visit = async (value: SchemaValue): Promise<SchemaValue> => {
        if (value === null || typeof value !== 'object') return value;
        if (isValueRef(value))
          return kept.has(value.$ref)
            ? { ...value, content_url: url('value', refHash(value)) }
            : visit(await resolve(value));
        if (isFileValue(value)) return { ...value, content_url: url('file', value.file_id) };
        if (Array.isArray(value)) return Promise.all(value.map(visit));
        const entries = await Promise.all(Object.entries(value).map(async ([k, v]) => [k, await visit(v)] as const));
        return Object.fromEntries(entries);
      };

      const out = (await visit({ ...params })) as ToolParams;
      for (const name of ordoFilledParameters(options.parameters)) out[name] = url('upload', '');
      return out;
    },
  };
}
