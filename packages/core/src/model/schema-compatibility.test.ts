import { describe, expect, it } from 'vitest';
import { schemaMismatch, variableJsonSchema } from './schema-compatibility';

const str = { type: 'string' };
const num = { type: 'number' };
const int = { type: 'integer' };

describe('schemaMismatch', () => {
  it('accepts the same type, an integer for a number, and anything where either side says nothing', () => {
    expect(schemaMismatch(str, str)).toBeUndefined();
    expect(schemaMismatch(int, num)).toBeUndefined();
    expect(schemaMismatch({}, str)).toBeUndefined();
    expect(schemaMismatch(num, {})).toBeUndefined();
    expect(schemaMismatch({ anyOf: [str, {}] }, num)).toBeUndefined();
  });

  it('refuses a number for a string, and each other JSON type for another', () => {
    expect(schemaMismatch(num, str)).toBe('is a number; the parameter expects a string');
    expect(schemaMismatch({ type: 'boolean' }, str)).toBe('is a boolean; the parameter expects a string');
    expect(schemaMismatch({ type: 'array' }, { type: 'object' })).toBe('is an array; the parameter expects an object');
    expect(schemaMismatch({ type: 'object' }, { type: 'array' })).toBe('is an object; the parameter expects an array');
    expect(schemaMismatch(str, { type: ['number', 'boolean'] })).toBe(
      'is a string; the parameter expects a number or a boolean',
    );
  });

  it('refuses a number that may not be whole for an integer, and a value that may be null', () => {
    expect(schemaMismatch(num, int)).toBe(
      'may hold a non-integer number; the parameter expects an integer (declare the variable with integer: true)',
    );
    expect(schemaMismatch({ type: ['string', 'null'] }, str)).toBe('may be null; the parameter expects a string');
  });

  it('requires an enum to be a subset of the parameter enum, and any string to be one only when the parameter has none', () => {
    const levels = { type: 'string', enum: ['basic', 'detailed', 'comprehensive'] };
    expect(schemaMismatch({ type: 'string', enum: ['basic', 'detailed'] }, levels)).toBeUndefined();
    expect(schemaMismatch({ type: 'string', enum: ['basic', 'deep'] }, levels)).toBe(
      'may be "deep", which the parameter does not accept; it accepts only "basic", "detailed", "comprehensive"',
    );
    expect(schemaMismatch(str, levels)).toBe(
      'may be any string; the parameter accepts only "basic", "detailed", "comprehensive"',
    );
    expect(schemaMismatch(levels, str)).toBeUndefined();
    expect(schemaMismatch({ const: 'basic' }, levels)).toBeUndefined();
  });

  it('compares array items and object fields, naming where they differ', () => {
    expect(schemaMismatch({ type: 'array', items: num }, { type: 'array', items: str })).toBe(
      'is a number at []; the parameter expects a string',
    );
    expect(schemaMismatch({ type: 'array' }, { type: 'array', items: str })).toBeUndefined();
    const target = {
      type: 'object',
      properties: { id: str, count: int },
      required: ['id'],
      additionalProperties: false,
    };
    expect(schemaMismatch({ type: 'object', properties: { id: str }, required: ['id'] }, target)).toBeUndefined();
    expect(schemaMismatch({ type: 'object', properties: { id: str } }, target)).toBe(
      "may lack the field 'id' (it is not required there); the parameter requires it",
    );
    expect(schemaMismatch({ type: 'object', properties: { count: int }, required: ['count'] }, target)).toBe(
      "has no field 'id'; the parameter requires it",
    );
    expect(schemaMismatch({ type: 'object', properties: { id: str, count: num }, required: ['id'] }, target)).toBe(
      'may hold a non-integer number at count; the parameter expects an integer (declare the variable with integer: true)',
    );
    expect(schemaMismatch({ type: 'object', properties: { id: str, extra: str }, required: ['id'] }, target)).toBe(
      "has the field 'extra', which the parameter does not allow",
    );
    expect(
      schemaMismatch({ type: 'object', properties: { a: num } }, { type: 'object', additionalProperties: str }),
    ).toBe('is a number at a; the parameter expects a string');
    // A source object whose fields are not declared may hold anything: not refused.
    expect(schemaMismatch({ type: 'object' }, target)).toBeUndefined();
  });
});

describe('variableJsonSchema', () => {
  it('converts Ordo variable schemas, a file being the reference validateInputs stores', () => {
    expect(variableJsonSchema({ type: 'number', integer: true })).toEqual({ type: 'integer' });
    expect(variableJsonSchema({ type: 'array', items: { type: 'string', enum: ['a'] } })).toEqual({
      type: 'array',
      items: { type: 'string', enum: ['a'] },
    });
    const file = variableJsonSchema({ type: 'file', mime_types: ['application/pdf'] });
    const pdfInput = {
      type: 'object',
      properties: { file_id: { type: 'string', minLength: 1 }, name: { type: 'string' }, size: { type: 'integer' } },
      required: ['file_id', 'name'],
    };
    expect(schemaMismatch(file, pdfInput)).toBeUndefined();
    expect(schemaMismatch(file, str)).toBe('is a file; the parameter expects a string');
    expect(schemaMismatch(str, pdfInput)).toBe('is a string; the parameter expects an object');
  });
});
