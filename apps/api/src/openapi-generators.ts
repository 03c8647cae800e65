/**
 * The document's recursive value schemas, rewritten into shapes client generators handle.
 *
 * The generator writes core's recursive schemas as they are in zod, which generators choke on:
 * - `SchemaValue` (any JSON value) recurses through arrays: `openapi-typescript` writes
 *   `components["schemas"]["SchemaValue"][]` inside `SchemaValue`, which `tsc` refuses (TS2502:
 *   an indexed access type cannot refer to itself through an array), and `openapi-python-client`
 *   cannot build a union that refers to itself, dropping every schema and operation using it.
 *   Every JSON value is a `SchemaValue`, so nothing is lost for validation by describing an
 *   array's items as any value; objects keep the recursion through a named object component
 *   (`SchemaValueObject`), which both generators resolve lazily (a TypeScript index signature, a
 *   Python model). Each nested value is described once, so a nested null matches one branch.
 * - `VariableSchema` is a union of inline object schemas, one of which refers back to the union:
 *   `openapi-python-client` builds inline members eagerly and fails; named members (one component
 *   per `type`) are models it resolves after the union.
 */
export function valueSchemasForGenerators<T extends { components?: { schemas?: object } }>(document: T): T {
  const schemas = document.components?.schemas as Record<string, unknown> | undefined;
  if (!schemas) return document;
  if (schemas.SchemaValue) {
    schemas.SchemaValue = {
      description:
        'Any JSON value a job variable can hold: a string, number, boolean, null, an array of values or an object of values, nested to any depth (seed 000; a file is a `FileValue` object).',
      anyOf: [
        { type: 'string' },
        { type: 'number' },
        { type: 'boolean' },
        { type: 'null' },
        { type: 'array', items: { description: 'Any `SchemaValue`' } },
        { $ref: '#/components/schemas/SchemaValueObject' },
      ],
    };
    schemas.SchemaValueObject = {
      description: 'An object of `SchemaValue`s',
      type: 'object',
      additionalProperties: { $ref: '#/components/schemas/SchemaValue' },
    };
  }
  const variableSchema = schemas.VariableSchema as { anyOf?: (VariableSchemaMember | { $ref: string })[] } | undefined;
  if (variableSchema?.anyOf) {
    variableSchema.anyOf = variableSchema.anyOf.map((member) => {
      const type = 'properties' in member ? member.properties?.type?.enum?.[0] : undefined;
      if (typeof type !== 'string') return member;
      const name = `${type[0]!.toUpperCase()}${type.slice(1)}VariableSchema`;
      schemas[name] = member;
      return { $ref: `#/components/schemas/${name}` };
    });
  }
  return document;
}

/** A member of `VariableSchema`'s union: an object schema whose `type` is one constant. */
interface VariableSchemaMember {
  properties?: { type?: { enum?: unknown[] } };
}
