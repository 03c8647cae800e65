import { FileValue, SchemaValue } from './schema-value';
import type { InputVariable, VariableSchema } from './variable-schema';

export type InputCheck = { ok: true; value: SchemaValue } | { ok: false; message: string };

/**
 * Checks one value against an input variable's schema. Pure: a file value is
 * checked for shape and declared MIME type only; that the file exists is the
 * caller's check, since it needs storage.
 */
export function checkInputValue(schema: VariableSchema, value: unknown): InputCheck {
  switch (schema.type) {
    case 'string': {
      if (typeof value !== 'string') return { ok: false, message: `must be a string, got ${describe(value)}` };
      if (schema.enum && !schema.enum.includes(value)) {
        return { ok: false, message: `must be one of ${schema.enum.map((e) => JSON.stringify(e)).join(', ')}` };
      }
      if (schema.min_length !== undefined && value.length < schema.min_length) {
        return { ok: false, message: `must be at least ${schema.min_length} characters long` };
      }
      if (schema.max_length !== undefined && value.length > schema.max_length) {
        return { ok: false, message: `must be at most ${schema.max_length} characters long` };
      }
      if (schema.pattern !== undefined && !safeRegExp(schema.pattern)?.test(value)) {
        return { ok: false, message: `must match the pattern ${schema.pattern}` };
      }
      return { ok: true, value };
    }
    case 'number': {
      if (typeof value !== 'number' || !Number.isFinite(value)) return { ok: false, message: `must be a finite number, got ${describe(value)}` };
      if (schema.integer && !Number.isInteger(value)) return { ok: false, message: 'must be an integer' };
      if (schema.minimum !== undefined && value < schema.minimum) return { ok: false, message: `must be at least ${schema.minimum}` };
      if (schema.maximum !== undefined && value > schema.maximum) return { ok: false, message: `must be at most ${schema.maximum}` };
      return { ok: true, value };
    }
    case 'boolean':
      return typeof value === 'boolean' ? { ok: true, value } : { ok: false, message: `must be true or false, got ${describe(value)}` };
    case 'object': {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) return { ok: false, message: `must be an object, got ${describe(value)}` };
      const parsed = SchemaValue.safeParse(value);
      if (!parsed.success) return { ok: false, message: 'must hold only strings, numbers, booleans, null, arrays and objects' };
      const missing = (schema.required_keys ?? []).filter((k) => !(k in value));
      if (missing.length > 0) return { ok: false, message: `must have the keys ${missing.join(', ')}` };
      return { ok: true, value: parsed.data };
    }
    case 'file': {
      const parsed = FileValue.safeParse(value);
      if (!parsed.success) return { ok: false, message: 'must be a file reference { "file_id": "…", "name": "…" } from POST /v1/files' };
      const file = parsed.data;
      if (schema.mime_types && file.mime_type !== undefined && !schema.mime_types.includes(file.mime_type)) {
        return { ok: false, message: `must be a file of type ${schema.mime_types.join(' or ')}, got ${file.mime_type}` };
      }
      if (schema.max_size !== undefined && file.size !== undefined && file.size > schema.max_size) {
        return { ok: false, message: `must be at most ${schema.max_size} bytes, got ${file.size}` };
      }
      return { ok: true, value: file };
    }
  }
}

/** The `input_errors` of a job: one message per variable that is missing or invalid. */
export function validateInputs(variables: readonly InputVariable[], values: Readonly<Record<string, unknown>>): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const variable of variables) {
    const value = values[variable.variable_id];
    if (value === undefined || value === null) {
      if (variable.required) errors[variable.variable_id] = 'is required';
      continue;
    }
    const check = checkInputValue(variable.schema, value);
    if (!check.ok) errors[variable.variable_id] = check.message;
  }
  return errors;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}

function safeRegExp(pattern: string): RegExp | undefined {
  try {
    return new RegExp(pattern, 'u');
  } catch {
    return undefined;
  }
}
