import { compileLinearPattern, regexEngineLoaded, REGEX_SYNTAX } from './linear-regex';
import type { FileValue, SchemaValue } from '../schemas/schema-value';
import type { InputVariable, VariableSchema } from '../schemas/variable-schema';

/** An uploaded file's reference by `file_id`, or undefined when there is no such file. */
export type FileLookup = (fileId: string) => FileValue | undefined;

export type InputCheck = { ok: true; value: SchemaValue } | { ok: false; message: string };

/**
 * Checks one value against a variable schema. `label` names the value in the message,
 * which is a whole sentence a person understands: "analysis_depth must be one of basic,
 * detailed, comprehensive". A file reference is replaced by the stored file's reference
 * (its real name, detected MIME type and size) when `files` knows it; without `files`
 * only its shape is checked. The checked value is returned normalised.
 */
export function checkInputValue(schema: VariableSchema, value: unknown, label: string, files?: FileLookup): InputCheck {
  const fail = (rule: string): InputCheck => ({ ok: false, message: `${label} ${rule}` });
  switch (schema.type) {
    case 'string': {
      if (typeof value !== 'string') return fail(`must be a string, got ${describe(value)}`);
      if (schema.enum && !schema.enum.includes(value)) return fail(`must be one of ${schema.enum.join(', ')}`);
      if (schema.min_length !== undefined && value.length < schema.min_length)
        return fail(`must be at least ${schema.min_length} characters long`);
      if (schema.max_length !== undefined && value.length > schema.max_length)
        return fail(`must be at most ${schema.max_length} characters long`);
      if (schema.pattern !== undefined) {
        const problem = patternMismatch(schema.pattern, value);
        if (problem !== undefined) return fail(problem);
      }
      return { ok: true, value };
    }
    case 'number': {
      if (typeof value !== 'number' || !Number.isFinite(value)) return fail(`must be a number, got ${describe(value)}`);
      if (schema.integer && !Number.isInteger(value)) return fail(`must be a whole number, got ${value}`);
      // Past 2^53 a JSON number is no longer the integer that was written (9007199254740993 reads as ...992).
      if (schema.integer && !Number.isSafeInteger(value))
        return fail(`must be a whole number between -9007199254740991 and 9007199254740991, got ${value}`);
      if (schema.minimum !== undefined && value < schema.minimum) return fail(`must be at least ${schema.minimum}`);
      if (schema.maximum !== undefined && value > schema.maximum) return fail(`must be at most ${schema.maximum}`);
      return { ok: true, value };
    }
    case 'boolean':
      return typeof value === 'boolean'
        ? { ok: true, value }
        : fail(`must be true or false (a JSON boolean), got ${describe(value)}`);
    case 'array': {
      if (!Array.isArray(value)) return fail(`must be a list, got ${describe(value)}`);
      if (schema.min_items !== undefined && value.length < schema.min_items)
        return fail(`must have at least ${schema.min_items} ${plural(schema.min_items, 'item')}`);
      if (schema.max_items !== undefined && value.length > schema.max_items)
        return fail(`must have at most ${schema.max_items} ${plural(schema.max_items, 'item')}`);
      const items: SchemaValue[] = [];
      for (const [i, item] of value.entries()) {
        const check = schema.items
          ? checkInputValue(schema.items, item, `${label}[${i}]`, files)
          : checkAny(item, `${label}[${i}]`);
        if (!check.ok) return check;
        items.push(check.value);
      }
      return { ok: true, value: items };
    }
    case 'object': {
      if (value === null || typeof value !== 'object' || Array.isArray(value))
        return fail(`must be an object, got ${describe(value)}`);
      const record = value as Record<string, unknown>;
      const missing = (schema.required ?? []).filter((k) => record[k] === undefined || record[k] === null);
      if (missing.length > 0)
        return fail(`must have ${missing.length === 1 ? 'the field' : 'the fields'} ${missing.join(', ')}`);
      const out: Record<string, SchemaValue> = {};
      for (const [key, item] of Object.entries(record)) {
        const property = schema.properties?.[key];
        const check = property
          ? checkInputValue(property, item, `${label}.${key}`, files)
          : checkAny(item, `${label}.${key}`);
        if (!check.ok) return check;
        out[key] = check.value;
      }
      return { ok: true, value: out };
    }
    case 'file': {
      const fileId = fileIdOf(value);
      if (fileId === undefined) return fail('must be a file reference { "file_id": "…" } from POST /v1/files');
      const stored = files ? files(fileId) : fileValueOf(value);
      if (!stored) {
        return files
          ? fail(`must name an uploaded file; file '${fileId}' does not exist`)
          : fail('must be a file reference { "file_id": "…", "name": "…" }');
      }
      if (schema.mime_types && stored.mime_type !== undefined && !schema.mime_types.includes(stored.mime_type)) {
        return fail(
          `must be a file of type ${schema.mime_types.join(' or ')}; '${stored.name}' is ${stored.mime_type}`,
        );
      }
      if (schema.max_size_bytes !== undefined && stored.size !== undefined && stored.size > schema.max_size_bytes) {
        return fail(`must be at most ${schema.max_size_bytes} bytes; '${stored.name}' has ${stored.size}`);
      }
      return { ok: true, value: stored };
    }
  }
}

/** The `file_id` of a file reference. (Plain code, not `FileValue`'s schema: the job workflow checks values too, and loads no zod.) */
function fileIdOf(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const id = (value as { file_id?: unknown }).file_id;
  return typeof id === 'string' && id.length > 0 ? id : undefined;
}

/** A whole file reference (`FileValue`): `file_id` and `name`, with a MIME type and size when given. */
function fileValueOf(value: unknown): FileValue | undefined {
  const fileId = fileIdOf(value);
  const v = value as { name?: unknown; mime_type?: unknown; size?: unknown };
  if (fileId === undefined || typeof v.name !== 'string' || v.name.length === 0) return undefined;
  if (v.mime_type !== undefined && (typeof v.mime_type !== 'string' || v.mime_type.length === 0)) return undefined;
  if (v.size !== undefined && (typeof v.size !== 'number' || !Number.isInteger(v.size) || v.size < 0)) return undefined;
  return {
    file_id: fileId,
    name: v.name,
    ...(typeof v.mime_type === 'string' && { mime_type: v.mime_type }),
    ...(typeof v.size === 'number' && { size: v.size }),
  };
}

/** Any JSON value is fine where a schema says nothing more. */
function checkAny(value: unknown, label: string): InputCheck {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return { ok: true, value };
  if (typeof value === 'number')
    return Number.isFinite(value) ? { ok: true, value } : { ok: false, message: `${label} must be a finite number` };
  if (Array.isArray(value)) {
    const items: SchemaValue[] = [];
    for (const [i, item] of value.entries()) {
      const check = checkAny(item, `${label}[${i}]`);
      if (!check.ok) return check;
      items.push(check.value);
    }
    return { ok: true, value: items };
  }
  if (typeof value === 'object') {
    const out: Record<string, SchemaValue> = {};
    for (const [key, item] of Object.entries(value)) {
      const check = checkAny(item, `${label}.${key}`);
      if (!check.ok) return check;
      out[key] = check.value;
    }
    return { ok: true, value: out };
  }
  return { ok: false, message: `${label} must be a JSON value, got ${typeof value}` };
}

/** The `file_id`s a value refers to where its schema expects files, so a caller can look them up first. */
export function fileIdsIn(schema: VariableSchema, value: unknown): string[] {
  switch (schema.type) {
    case 'file':
      return typeof value === 'object' && value !== null && 'file_id' in value && typeof value.file_id === 'string'
        ? [value.file_id]
        : [];
    case 'array':
      return Array.isArray(value) && schema.items ? value.flatMap((item) => fileIdsIn(schema.items!, item)) : [];
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value)
        ? Object.entries(schema.properties ?? {}).flatMap(([key, property]) =>
            fileIdsIn(property, (value as Record<string, unknown>)[key]),
          )
        : [];
    case 'string':
    case 'number':
    case 'boolean':
      return [];
  }
}

/** The values a run uses: the ones set, and each unset variable's default. */
export function effectiveInputs(
  variables: readonly InputVariable[],
  values: Readonly<Record<string, SchemaValue>>,
): Record<string, SchemaValue> {
  const out: Record<string, SchemaValue> = {};
  for (const variable of variables) {
    const value = values[variable.variable_id] ?? (variable.default as SchemaValue | undefined);
    if (value !== undefined && value !== null) out[variable.variable_id] = value;
  }
  return out;
}

/**
 * A job's inputs checked as a whole: the normalised values to store and `input_errors`,
 * one sentence per variable that is missing or invalid. A variable with a default is never
 * missing. Values for variables the job does not declare are errors too.
 */
export function validateInputs(
  variables: readonly InputVariable[],
  values: Readonly<Record<string, unknown>>,
  files?: FileLookup,
): { values: Record<string, SchemaValue>; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const checked: Record<string, SchemaValue> = {};
  const known = new Set(variables.map((v) => v.variable_id));
  for (const variable of variables) {
    const value = values[variable.variable_id];
    if (value === undefined || value === null) {
      if (variable.required && variable.default === undefined)
        errors[variable.variable_id] = `${variable.name} is required`;
      continue;
    }
    const check = checkInputValue(variable.schema, value, variable.name, files);
    if (check.ok) checked[variable.variable_id] = check.value;
    else errors[variable.variable_id] = check.message;
  }
  for (const id of Object.keys(values)) {
    if (!known.has(id))
      errors[id] = `${id} is not an input of this workflow; its inputs are ${[...known].join(', ') || 'none'}`;
  }
  return { values: checked, errors };
}

function plural(n: number, word: string): string {
  return n === 1 ? word : `${word}s`;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string')
    return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}

/**
 * Why `value` does not match `pattern`, or undefined when it does. Patterns run in RE2, in
 * time linear in the value; one stored before RE2 was required and that RE2 refuses is an
 * input error naming it, never a crash.
 */
function patternMismatch(pattern: string, value: string): string | undefined {
  if (!regexEngineLoaded())
    return `cannot be checked against the pattern ${pattern}: the regular expression engine is not loaded`;
  const compiled = compileLinearPattern(pattern);
  if (!compiled.ok) return `cannot be checked: its pattern ${pattern} is not supported by ${REGEX_SYNTAX}`;
  return compiled.pattern.test(value) ? undefined : `must match the pattern ${pattern}`;
}
