import { describe, expect, it } from 'vitest';
import { checkInputValue, validateInputs } from './input-validation';
import { InputVariable, VariableSchema } from './variable-schema';

describe('checkInputValue', () => {
  it('checks strings against enum, length and pattern', () => {
    const schema: VariableSchema = { type: 'string', enum: ['basic', 'detailed'] };
    expect(checkInputValue(schema, 'basic')).toEqual({ ok: true, value: 'basic' });
    expect(checkInputValue(schema, 'deep')).toEqual({ ok: false, message: 'must be one of "basic", "detailed"' });
    expect(checkInputValue(schema, 3)).toEqual({ ok: false, message: 'must be a string, got number 3' });
    expect(checkInputValue({ type: 'string', pattern: '^[A-Z]{3}$' }, 'usd').ok).toBe(false);
    expect(checkInputValue({ type: 'string', max_length: 2 }, 'abc')).toEqual({ ok: false, message: 'must be at most 2 characters long' });
  });

  it('checks numbers, integers and bounds', () => {
    expect(checkInputValue({ type: 'number', integer: true, minimum: 1 }, 2)).toEqual({ ok: true, value: 2 });
    expect(checkInputValue({ type: 'number', integer: true }, 2.5).ok).toBe(false);
    expect(checkInputValue({ type: 'number', maximum: 10 }, 11)).toEqual({ ok: false, message: 'must be at most 10' });
    expect(checkInputValue({ type: 'number' }, '5').ok).toBe(false);
  });

  it('checks booleans and objects', () => {
    expect(checkInputValue({ type: 'boolean' }, false)).toEqual({ ok: true, value: false });
    expect(checkInputValue({ type: 'boolean' }, 'true')).toEqual({ ok: false, message: 'must be true or false, got string "true"' });
    expect(checkInputValue({ type: 'object', required_keys: ['a'] }, { b: 1 })).toEqual({ ok: false, message: 'must have the keys a' });
    expect(checkInputValue({ type: 'object' }, [1]).ok).toBe(false);
  });

  it('checks file references and their MIME type', () => {
    const schema: VariableSchema = { type: 'file', mime_types: ['application/pdf'] };
    expect(checkInputValue(schema, { file_id: 'f1', name: 'a.pdf', mime_type: 'application/pdf' }).ok).toBe(true);
    expect(checkInputValue(schema, { file_id: 'f1', name: 'a.txt', mime_type: 'text/plain' })).toEqual({
      ok: false,
      message: 'must be a file of type application/pdf, got text/plain',
    });
    expect(checkInputValue(schema, 'f1').ok).toBe(false);
  });
});

describe('VariableSchema', () => {
  it('refuses a pattern that is not a regular expression', () => {
    const result = VariableSchema.safeParse({ type: 'string', pattern: '([a-z' });
    expect(result.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual(['pattern: must be a valid regular expression']);
  });
});

describe('validateInputs', () => {
  const variables = [
    InputVariable.parse({ name: 'doc', variable_id: 'doc', required: true, schema: { type: 'file' } }),
    InputVariable.parse({ name: 'n', variable_id: 'n', schema: { type: 'number' } }),
  ];

  it('lists missing required inputs and invalid values', () => {
    expect(validateInputs(variables, {})).toEqual({ doc: 'is required' });
    expect(validateInputs(variables, { doc: { file_id: 'f', name: 'x' }, n: 'x' })).toEqual({ n: 'must be a finite number, got string "x"' });
    expect(validateInputs(variables, { doc: { file_id: 'f', name: 'x' } })).toEqual({});
  });
});
