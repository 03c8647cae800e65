import { z } from 'zod';

/** Identifiers of variables and steps: they appear in mappings and expressions, so keep them plain. */
export const Identifier = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, 'must start with a letter or underscore and hold only letters, digits and underscores (at most 128)');

export const StringSchema = z.strictObject({
  type: z.literal('string'),
  enum: z.array(z.string()).min(1).optional(),
  min_length: z.number().int().nonnegative().optional(),
  max_length: z.number().int().positive().optional(),
  pattern: z
    .string()
    .refine((pattern) => isValidRegExp(pattern), 'must be a valid regular expression')
    .optional(),
});

function isValidRegExp(pattern: string): boolean {
  try {
    new RegExp(pattern, 'u');
    return true;
  } catch {
    return false;
  }
}

export const NumberSchema = z.strictObject({
  type: z.literal('number'),
  minimum: z.number().optional(),
  maximum: z.number().optional(),
  integer: z.boolean().optional(),
});

export const BooleanSchema = z.strictObject({ type: z.literal('boolean') });

export const ObjectSchema = z.strictObject({
  type: z.literal('object'),
  /** Keys that must be present in the object value. */
  required_keys: z.array(z.string()).optional(),
});

export const FileSchema = z.strictObject({
  type: z.literal('file'),
  mime_types: z.array(z.string().min(1)).min(1).optional(),
  max_size: z.number().int().positive().optional(),
});

/** The `schema` of an input variable, discriminated on `type` (seed 002). */
export const VariableSchema = z.discriminatedUnion('type', [StringSchema, NumberSchema, BooleanSchema, ObjectSchema, FileSchema]);
export type VariableSchema = z.infer<typeof VariableSchema>;

export const InputVariable = z.strictObject({
  name: z.string().min(1),
  variable_id: Identifier,
  description: z.string().optional(),
  required: z.boolean().default(false),
  schema: VariableSchema,
});
export type InputVariable = z.infer<typeof InputVariable>;

/** A list of input variables whose variable_ids are unique. */
export const InputVariables = z.array(InputVariable).superRefine((vars, ctx) => {
  const seen = new Set<string>();
  vars.forEach((v, i) => {
    if (seen.has(v.variable_id)) {
      ctx.addIssue({ code: 'custom', path: [i, 'variable_id'], message: `duplicate variable_id '${v.variable_id}'` });
    }
    seen.add(v.variable_id);
  });
});
