import type { JsonSchemaDocument } from '../schemas/tool-descriptor';
import type { VariableSchema } from '../schemas/variable-schema';

/**
 * Publish-time type checks of parameter mappings (the rule `parameter_types_compatible`):
 * can every value a job variable may hold be passed to a tool parameter? Both sides are
 * JSON Schemas: a tool's parameters and outputs come from the catalog, an input variable's
 * schema is converted by `variableJsonSchema`. Plain functions over plain data, so step
 * types' checks can use them from workflow code, which loads no zod.
 *
 * What is compared: JSON types (an integer is a number; a number is not an integer; null
 * is its own type), `enum`/`const` sets (the variable's values must be a subset of the
 * parameter's), array items, and object fields (required, allowed, each one's type).
 * Lengths, patterns, ranges and formats are left to the tool's own validation at run time.
 * Where either side says nothing (no `type`, or a union of shapes), nothing is refused:
 * the rule refuses only what it knows will or may fail.
 */

type JsonType = 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array' | 'null';

/** The JSON Schema of an Ordo variable schema; a file is the object its reference is. */
export function variableJsonSchema(schema: VariableSchema): JsonSchemaDocument {
  switch (schema.type) {
    case 'string':
      return { type: 'string', ...(schema.enum && { enum: [...schema.enum] }) };
    case 'number':
      return { type: schema.integer ? 'integer' : 'number' };
    case 'boolean':
      return { type: 'boolean' };
    case 'file':
      // The shape `validateInputs` stores for a file: the uploaded file's own reference.
      return {
        type: 'object',
        [FILE_MARK]: true,
        properties: {
          file_id: { type: 'string' },
          name: { type: 'string' },
          mime_type: { type: 'string' },
          size: { type: 'integer' },
        },
        required: ['file_id', 'name', 'mime_type', 'size'],
      };
    case 'array':
      return { type: 'array', ...(schema.items && { items: variableJsonSchema(schema.items) }) };
    case 'object':
      return {
        type: 'object',
        ...(schema.properties && {
          properties: Object.fromEntries(Object.entries(schema.properties).map(([k, v]) => [k, variableJsonSchema(v)])),
        }),
        ...(schema.required && { required: [...schema.required] }),
      };
  }
}

/** Marks the JSON Schema of an Ordo `file` variable, so messages can call it a file. */
const FILE_MARK = 'x-ordo-file';

/**
 * Why a value of `source` may be refused by `target`, as a phrase completing "the
 * variable …" ("is a number; the parameter expects a string"), or undefined when every
 * value `source` allows is one `target` accepts as far as the two say.
 */
export function schemaMismatch(source: JsonSchemaDocument, target: JsonSchemaDocument): string | undefined {
  return mismatchAt(source, target, '');
}

function mismatchAt(source: JsonSchemaDocument, target: JsonSchemaDocument, where: string): string | undefined {
  const targetTypes = typesOf(target);
  const sourceTypes = typesOf(source);
  if (targetTypes === undefined || sourceTypes === undefined) return undefined;
  const at = where === '' ? '' : ` at ${where}`;

  const refused = [...sourceTypes].filter((t) => !accepts(targetTypes, t));
  if (refused.length > 0) {
    if (refused.length === 1 && refused[0] === 'number' && targetTypes.has('integer')) {
      return `may hold a non-integer number${at}; the parameter expects an integer (declare the variable with integer: true)`;
    }
    const kind =
      sourceTypes.size === refused.length
        ? `is ${describe(source, sourceTypes)}`
        : `may be ${refused.map(article).join(' or ')}`;
    return `${kind}${at}; the parameter expects ${describeTypes(targetTypes)}`;
  }

  const allowed = valuesOf(target);
  if (allowed !== undefined) {
    const values = valuesOf(source);
    if (values === undefined)
      return `may be any ${describeTypes(sourceTypes, false)}${at}; the parameter accepts only ${listValues(allowed)}`;
    const keys = new Set(allowed.map((v) => JSON.stringify(v)));
    const extra = values.filter((v) => !keys.has(JSON.stringify(v)));
    if (extra.length > 0)
      return `may be ${listValues(extra)}${at}, which the parameter does not accept; it accepts only ${listValues(allowed)}`;
  }

  // Deeper only where both sides are one shape: a union's branches are not compared.
  if (only(sourceTypes, 'array') && only(targetTypes, 'array')) {
    const sourceItems = schemaOrUndefined(source.items);
    const targetItems = schemaOrUndefined(target.items);
    if (sourceItems && targetItems) return mismatchAt(sourceItems, targetItems, `${where}[]`);
  }
  if (only(sourceTypes, 'object') && only(targetTypes, 'object')) return objectMismatch(source, target, where);
  return undefined;
}

function objectMismatch(source: JsonSchemaDocument, target: JsonSchemaDocument, where: string): string | undefined {
  const sourceProps = propertiesOf(source);
  // A source object whose fields are not declared may hold anything: nothing more is known.
  if (sourceProps === undefined) return undefined;
  const targetProps = propertiesOf(target) ?? {};
  const sourceRequired = new Set(requiredOf(source));
  const of = where === '' ? '' : ` of ${where}`;
  for (const name of requiredOf(target)) {
    if ('default' in (targetProps[name] ?? {})) continue;
    if (!sourceRequired.has(name)) {
      return name in sourceProps
        ? `may lack the field '${name}'${of} (it is not required there); the parameter requires it`
        : `has no field '${name}'${of}; the parameter requires it`;
    }
  }
  const additional = target.additionalProperties;
  for (const [name, schema] of Object.entries(sourceProps)) {
    const path = where === '' ? name : `${where}.${name}`;
    const targetProp = schemaOrUndefined(targetProps[name]);
    if (targetProp) {
      const problem = mismatchAt(schema, targetProp, path);
      if (problem !== undefined) return problem;
    } else if (additional === false) {
      return `has the field '${path}', which the parameter does not allow`;
    } else if (schemaOrUndefined(additional)) {
      const problem = mismatchAt(schema, additional as JsonSchemaDocument, path);
      if (problem !== undefined) return problem;
    }
  }
  return undefined;
}

/** The JSON types a schema allows, or undefined when it allows any (or does not say plainly). */
function typesOf(schema: JsonSchemaDocument): Set<JsonType> | undefined {
  if ('const' in schema) return new Set([typeOfValue(schema.const)]);
  if (Array.isArray(schema.enum)) return new Set(schema.enum.map(typeOfValue));
  const type = schema.type;
  if (typeof type === 'string') return isJsonType(type) ? new Set([type]) : undefined;
  if (Array.isArray(type)) return type.every(isJsonType) ? new Set(type) : undefined;
  const branches = Array.isArray(schema.anyOf) ? schema.anyOf : Array.isArray(schema.oneOf) ? schema.oneOf : undefined;
  if (branches === undefined || branches.length === 0) return undefined;
  const union = new Set<JsonType>();
  for (const branch of branches) {
    const types = schemaOrUndefined(branch) && typesOf(branch as JsonSchemaDocument);
    if (!types) return undefined;
    for (const t of types) union.add(t);
  }
  return union;
}

/** The values a schema allows when they are a finite list (`const`, `enum`, a union of them, or booleans). */
function valuesOf(schema: JsonSchemaDocument): unknown[] | undefined {
  if ('const' in schema) return [schema.const];
  if (Array.isArray(schema.enum)) return schema.enum as unknown[];
  const branches = Array.isArray(schema.anyOf) ? schema.anyOf : Array.isArray(schema.oneOf) ? schema.oneOf : undefined;
  if (branches !== undefined && branches.length > 0) {
    const values: unknown[] = [];
    for (const branch of branches) {
      const own = schemaOrUndefined(branch) && valuesOf(branch as JsonSchemaDocument);
      if (!own) return undefined;
      values.push(...own);
    }
    return values;
  }
  return undefined;
}

function accepts(types: ReadonlySet<JsonType>, type: JsonType): boolean {
  return types.has(type) || (type === 'integer' && types.has('number'));
}

function only(types: ReadonlySet<JsonType>, type: JsonType): boolean {
  return types.size === 1 && types.has(type);
}

function typeOfValue(value: unknown): JsonType {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  if (typeof value === 'boolean') return 'boolean';
  return 'object';
}

const JSON_TYPES: readonly string[] = ['string', 'number', 'integer', 'boolean', 'object', 'array', 'null'];
function isJsonType(value: unknown): value is JsonType {
  return typeof value === 'string' && JSON_TYPES.includes(value);
}

function schemaOrUndefined(value: unknown): JsonSchemaDocument | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as JsonSchemaDocument)
    : undefined;
}

function propertiesOf(schema: JsonSchemaDocument): Record<string, JsonSchemaDocument> | undefined {
  return schemaOrUndefined(schema.properties) as Record<string, JsonSchemaDocument> | undefined;
}

function requiredOf(schema: JsonSchemaDocument): string[] {
  return Array.isArray(schema.required) ? schema.required.filter((n): n is string => typeof n === 'string') : [];
}

function article(type: JsonType): string {
  switch (type) {
    case 'integer':
    case 'object':
    case 'array':
      return `an ${type === 'array' ? 'array' : type}`;
    case 'null':
      return 'null';
    case 'string':
    case 'number':
    case 'boolean':
      return `a ${type}`;
  }
}

function describeTypes(types: ReadonlySet<JsonType>, withArticle = true): string {
  const list = [...types].filter((t) => !(t === 'integer' && types.has('number')));
  return list.map((t) => (withArticle ? article(t) : t)).join(' or ');
}

/** A source schema in a message: a file is a file, not "an object". */
function describe(schema: JsonSchemaDocument, types: ReadonlySet<JsonType>): string {
  if (schema[FILE_MARK] === true) return 'a file';
  return describeTypes(types);
}

function listValues(values: readonly unknown[]): string {
  const shown = values.slice(0, 10).map((v) => JSON.stringify(v));
  return values.length > 10 ? `${shown.join(', ')}, … (${values.length} in all)` : shown.join(', ');
}
