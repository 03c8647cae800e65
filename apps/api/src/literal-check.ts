import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { JsonSchemaDocument, SchemaValue } from '@ordo/core';

/**
 * Checks literal step parameters against the tools' JSON Schemas (the ones `GET /v1/tools`
 * serves), for the publish-time rule `literal_parameters_match_schema`. One validator per
 * schema, compiled on first use.
 */
export function createLiteralCheck(): (schema: JsonSchemaDocument, value: SchemaValue) => string | undefined {
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
