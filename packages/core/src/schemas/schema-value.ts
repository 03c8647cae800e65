import { z } from 'zod';

/** A reference to an uploaded file. Jobs carry files by reference, never by content. */
export const FileValue = z.object({
  file_id: z.string().min(1),
  name: z.string().min(1),
  mime_type: z.string().min(1).optional(),
  size: z.number().int().nonnegative().optional(),
  /**
   * Set only in the parameters an external tool receives (docs/tools.md, "Files and large
   * values"): a signed URL its bytes are downloaded from with a plain GET, for a few minutes.
   */
  content_url: z
    .url()
    .optional()
    .describe(
      "Set only in an external tool's parameters: a signed, short-lived URL serving the file's bytes to a plain GET (no API key)",
    ),
});
export type FileValue = z.infer<typeof FileValue>;

/** Any value a job variable can hold: string | number | boolean | object | FileValue (seed 000, docs/contract.md). */
export type SchemaValue = string | number | boolean | null | SchemaValue[] | { [key: string]: SchemaValue };

export const SchemaValue: z.ZodType<SchemaValue> = z
  .lazy(() =>
    z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(SchemaValue), z.record(z.string(), SchemaValue)]),
  )
  // Named, so documents generated from it (the API's OpenAPI document) refer to its recursion by name instead of recursing forever.
  .meta({ id: 'SchemaValue' });

/** Variables of a job by variable_id. */
export const Variables = z.record(z.string(), SchemaValue);
export type Variables = z.infer<typeof Variables>;
