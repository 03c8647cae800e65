import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { JsonSchemaDocument, SchemaValue } from '@ordo/core';

/** Checks a value against a JSON Schema 2020-12: undefined when it matches, else what is wrong and where. */
export type SchemaCheck = (schema: JsonSchemaDocument, value: SchemaValue) => string | undefined;

/**
 * Checks values against the tools' registered JSON Schemas: literal step parameters at
 * publish (`literal_parameters_match_schema`), an external tool's outputs when its step ends.
 * One validator per schema object, compiled on first use.
 */
export function createSchemaCheck(): SchemaCheck {
  const ajv = new Ajv2020({ strict: false, allowUnionTypes: true, allErrors: false });
  addFormats(ajv);
  const compiled = new WeakMap<JsonSchemaDocument, ValidateFunction>();
  return (schema, value) => {
    let validate = compiled.get(schema);
    if (!validate) {
      validate = ajv.compile(schema);
      compiled.set(schema, validate);
    }
    if (validate(value)) return undefined;
    const error = validate.errors?.[0];
    if (!error) return 'does not match the tool parameter';
    const where = error.instancePath ? ` at ${error.instancePath}` : '';
    const allowed = (error.params as { allowedValues?: unknown[] }).allowedValues;
    if (allowed) return `must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}${where}`;
    return `${error.message ?? 'does not match the tool parameter'}${where}`;
  };
}
