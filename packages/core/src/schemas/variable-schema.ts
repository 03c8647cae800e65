import { z } from 'zod';
import { patternProblem } from '../model/linear-regex';

/** Identifiers of variables and steps: they appear in mappings and expressions, so keep them plain. */
export const Identifier = z
  .string()
  .regex(
    /^[A-Za-z_][A-Za-z0-9_]{0,127}$/,
    'must start with a letter or underscore and hold only letters, digits and underscores (at most 128)',
  );

// Control characters (Unicode's Cc: U+0000–U+001F and U+007F–U+009F) spelled as ranges, not
// as \p{Cc} with the `u` flag: the patterns are also written into the OpenAPI document, whose
// generator keeps only a flag-less regex's source intact.

/** Free text shown as a name: no control characters at all. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
export const PlainText = z.string().regex(/^[^\x00-\x1f\x7f-\x9f]*$/, 'must not contain control characters');

/** Longer free text may keep tabs and line breaks, but no other control characters. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
export const NO_CONTROL_EXCEPT_WHITESPACE = /^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$/;

function isValidRegExp(pattern: string): boolean {
  try {
    new RegExp(pattern, 'u');
    return true;
  } catch {
    return false;
  }
}

/**
 * A `pattern` is matched by RE2, in time linear in the value (see `linear-regex.ts`): it
 * must be a JavaScript regular expression that RE2 also runs, so no backreferences and no
 * lookaround.
 */
const Pattern = z
  .string()
  .max(1000)
  .superRefine((pattern, ctx) => {
    if (!isValidRegExp(pattern)) ctx.addIssue({ code: 'custom', message: 'must be a valid regular expression' });
    else {
      const problem = patternProblem(pattern);
      if (problem !== undefined)
        ctx.addIssue({
          code: 'custom',
          message: `must be in RE2 syntax, which matches in linear time (no backreferences or lookaround): ${problem}`,
        });
    }
  });

export const StringSchema = z.strictObject({
  type: z.literal('string'),
  enum: z.array(z.string()).min(1).max(1000).optional(),
  min_length: z.number().int().nonnegative().optional(),
  max_length: z.number().int().positive().optional(),
  pattern: Pattern.optional(),
});
export type StringSchema = z.infer<typeof StringSchema>;

/** A number; `integer: true` makes it an integer (Ordo's one way to declare integers). */
export const NumberSchema = z.strictObject({
  type: z.literal('number'),
  minimum: z.number().optional(),
  maximum: z.number().optional(),
  integer: z.boolean().optional(),
});
export type NumberSchema = z.infer<typeof NumberSchema>;

/** A JSON boolean: `true` or `false`, never the strings "true" and "false". */
export const BooleanSchema = z.strictObject({ type: z.literal('boolean') });
export type BooleanSchema = z.infer<typeof BooleanSchema>;

/** A file uploaded with `POST /v1/files`, referenced by `file_id`. */
export const FileSchema = z.strictObject({
  type: z.literal('file'),
  /** Accepted MIME types, compared with the type detected from the file's content. */
  mime_types: z.array(z.string().min(1)).min(1).optional(),
  max_size_bytes: z.number().int().positive().optional(),
});
export type FileSchema = z.infer<typeof FileSchema>;

/** A list whose items all follow `items` (any value when absent). */
export interface ArraySchema {
  type: 'array';
  items?: VariableSchema | undefined;
  min_items?: number | undefined;
  max_items?: number | undefined;
}

/** An object whose named `properties` follow their schemas; `required` names those that must be present. */
export interface ObjectSchema {
  type: 'object';
  properties?: Record<string, VariableSchema> | undefined;
  required?: string[] | undefined;
}

/** The `schema` of an input variable, discriminated on `type` (seed 002, docs/contract.md). */
export type VariableSchema = StringSchema | NumberSchema | BooleanSchema | FileSchema | ArraySchema | ObjectSchema;

// Nesting deeper than this is refused: a schema is written by people, and an unbounded one
// would let a request body drive validation into a stack overflow.
const MAX_SCHEMA_DEPTH = 10;

export const ArraySchema: z.ZodType<ArraySchema> = z.strictObject({
  type: z.literal('array'),
  get items() {
    return VariableSchema.optional();
  },
  min_items: z.number().int().nonnegative().optional(),
  max_items: z.number().int().positive().optional(),
});

export const ObjectSchema: z.ZodType<ObjectSchema> = z
  .strictObject({
    type: z.literal('object'),
    get properties() {
      return z.record(Identifier, VariableSchema).optional();
    },
    required: z.array(Identifier).optional(),
  })
  .superRefine((schema, ctx) => {
    for (const name of schema.required ?? []) {
      if (schema.properties !== undefined && !(name in schema.properties)) {
        ctx.addIssue({
          code: 'custom',
          path: ['required'],
          message: `'${name}' is required but not among the properties`,
        });
      }
    }
  });

export const VariableSchema: z.ZodType<VariableSchema> = z
  .lazy(() => z.union([StringSchema, NumberSchema, BooleanSchema, FileSchema, ArraySchema, ObjectSchema]))
  .superRefine((schema, ctx) => {
    if (schemaDepth(schema) > MAX_SCHEMA_DEPTH)
      ctx.addIssue({ code: 'custom', message: `must nest at most ${MAX_SCHEMA_DEPTH} levels deep` });
  })
  // Named, so documents generated from it (the API's OpenAPI document) refer to its recursion by name instead of recursing forever.
  .meta({ id: 'VariableSchema' });

function schemaDepth(schema: VariableSchema): number {
  switch (schema.type) {
    case 'array':
      return 1 + (schema.items ? schemaDepth(schema.items) : 0);
    case 'object':
      return 1 + Math.max(0, ...Object.values(schema.properties ?? {}).map(schemaDepth));
    case 'string':
    case 'number':
    case 'boolean':
    case 'file':
      return 1;
  }
}

export const InputVariable = z.strictObject({
  /** How people call the variable; `input_errors` name it by this. */
  name: PlainText.min(1).max(200),
  variable_id: Identifier,
  description: z.string().max(10_000).optional(),
  required: z.boolean().default(false),
  schema: VariableSchema,
  /** Fills the input while it is unset; checked against `schema` when the workflow is created. */
  default: z.unknown().optional(),
});
export type InputVariable = z.infer<typeof InputVariable>;

/** A list of input variables whose variable_ids are unique. */
export const InputVariables = z
  .array(InputVariable)
  .max(500)
  .superRefine((vars, ctx) => {
    const seen = new Set<string>();
    vars.forEach((v, i) => {
      if (seen.has(v.variable_id)) {
        ctx.addIssue({ code: 'custom', path: [i, 'variable_id'], message: `duplicate variable_id '${v.variable_id}'` });
      }
      seen.add(v.variable_id);
    });
  });
