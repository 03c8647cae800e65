import { describe, expect, it } from 'vitest';
import { checkInputValue, effectiveInputs, fileIdsIn, validateInputs } from './input-validation';
import type { FileValue } from '../schemas/schema-value';
import { StringSchema, type InputVariable, type VariableSchema } from '../schemas/variable-schema';

const files = new Map<string, FileValue>([
  ['file_pdf', { file_id: 'file_pdf', name: 'report.pdf', mime_type: 'application/pdf', size: 2048 }],
  ['file_txt', { file_id: 'file_txt', name: 'notes.txt', mime_type: 'text/plain', size: 10 }],
]);
const lookup = (id: string) => files.get(id);

describe('checkInputValue', () => {
  it('checks strings against enum, length and pattern, naming the variable', () => {
    const schema: VariableSchema = { type: 'string', enum: ['basic', 'detailed', 'comprehensive'] };
    expect(checkInputValue(schema, 'basic', 'analysis_depth')).toEqual({ ok: true, value: 'basic' });
    expect(checkInputValue(schema, 'deep', 'analysis_depth')).toEqual({
      ok: false,
      message: 'analysis_depth must be one of basic, detailed, comprehensive',
    });
    expect(checkInputValue(schema, 3, 'analysis_depth')).toEqual({
      ok: false,
      message: 'analysis_depth must be a string, got number 3',
    });
    expect(checkInputValue({ type: 'string', pattern: '^[A-Z]{3}$' }, 'usd', 'currency')).toEqual({
      ok: false,
      message: 'currency must match the pattern ^[A-Z]{3}$',
    });
    expect(checkInputValue({ type: 'string', min_length: 2 }, 'a', 'code')).toEqual({
      ok: false,
      message: 'code must be at least 2 characters long',
    });
    expect(checkInputValue({ type: 'string', max_length: 2 }, 'abc', 'code')).toEqual({
      ok: false,
      message: 'code must be at most 2 characters long',
    });
  });

  it('matches patterns in linear time (RE2), and refuses stored patterns RE2 cannot run with an input error', () => {
    // 2^40 backtracking steps for JavaScript's engine; RE2 answers at once.
    expect(checkInputValue({ type: 'string', pattern: '^(a+)+$' }, `${'a'.repeat(40)}!`, 'p')).toEqual({
      ok: false,
      message: 'p must match the pattern ^(a+)+$',
    });
    expect(checkInputValue({ type: 'string', pattern: '^(a+)+$' }, 'aaa', 'p')).toEqual({ ok: true, value: 'aaa' });
    expect(checkInputValue({ type: 'string', pattern: '^(a)\\1$' }, 'aa', 'p')).toEqual({
      ok: false,
      message: expect.stringMatching(/^p cannot be checked: its pattern \^\(a\)\\1\$ is not supported by RE2 syntax/),
    });
  });

  it('refuses, when a workflow is saved, a pattern RE2 cannot run', () => {
    expect(StringSchema.safeParse({ type: 'string', pattern: '^(a+)+$' }).success).toBe(true);
    const refused = StringSchema.safeParse({ type: 'string', pattern: '^(?=a)b$' });
    expect(refused.success).toBe(false);
    expect(refused.error?.issues[0]).toMatchObject({
      path: ['pattern'],
      message: expect.stringContaining('must be in RE2 syntax'),
    });
  });

  it('checks numbers, integers and bounds', () => {
    expect(checkInputValue({ type: 'number', integer: true, minimum: 1 }, 2, 'pages')).toEqual({ ok: true, value: 2 });
    expect(checkInputValue({ type: 'number', integer: true }, 2.5, 'pages')).toEqual({
      ok: false,
      message: 'pages must be a whole number, got 2.5',
    });
    expect(checkInputValue({ type: 'number', integer: true }, 2 ** 53, 'pages')).toEqual({
      ok: false,
      message: 'pages must be a whole number between -9007199254740991 and 9007199254740991, got 9007199254740992',
    });
    expect(checkInputValue({ type: 'number', integer: true }, 9007199254740991, 'pages').ok).toBe(true);
    expect(checkInputValue({ type: 'number', minimum: 1 }, 0, 'pages')).toEqual({
      ok: false,
      message: 'pages must be at least 1',
    });
    expect(checkInputValue({ type: 'number', maximum: 10 }, 11, 'pages')).toEqual({
      ok: false,
      message: 'pages must be at most 10',
    });
    expect(checkInputValue({ type: 'number' }, '5', 'pages')).toEqual({
      ok: false,
      message: 'pages must be a number, got the string "5"',
    });
  });

  it('takes only JSON booleans', () => {
    expect(checkInputValue({ type: 'boolean' }, false, 'strict')).toEqual({ ok: true, value: false });
    expect(checkInputValue({ type: 'boolean' }, 'true', 'strict')).toEqual({
      ok: false,
      message: 'strict must be true or false (a JSON boolean), got the string "true"',
    });
  });

  it('checks lists item by item, with their bounds', () => {
    const schema: VariableSchema = {
      type: 'array',
      items: { type: 'number', integer: true },
      min_items: 1,
      max_items: 3,
    };
    expect(checkInputValue(schema, [1, 2], 'ids')).toEqual({ ok: true, value: [1, 2] });
    expect(checkInputValue(schema, [], 'ids')).toEqual({ ok: false, message: 'ids must have at least 1 item' });
    expect(checkInputValue(schema, [1, 2, 3, 4], 'ids')).toEqual({
      ok: false,
      message: 'ids must have at most 3 items',
    });
    expect(checkInputValue(schema, [1, 'x'], 'ids')).toEqual({
      ok: false,
      message: 'ids[1] must be a number, got the string "x"',
    });
    expect(checkInputValue(schema, 'x', 'ids')).toEqual({
      ok: false,
      message: 'ids must be a list, got the string "x"',
    });
  });

  it('checks objects by their properties and required fields', () => {
    const schema: VariableSchema = {
      type: 'object',
      properties: { name: { type: 'string' }, age: { type: 'number', integer: true } },
      required: ['name'],
    };
    expect(checkInputValue(schema, { name: 'Ada', age: 36, extra: [1] }, 'person')).toEqual({
      ok: true,
      value: { name: 'Ada', age: 36, extra: [1] },
    });
    expect(checkInputValue(schema, { age: 36 }, 'person')).toEqual({
      ok: false,
      message: 'person must have the field name',
    });
    expect(checkInputValue(schema, { name: 'Ada', age: 'old' }, 'person')).toEqual({
      ok: false,
      message: 'person.age must be a number, got the string "old"',
    });
    expect(checkInputValue(schema, [1], 'person')).toEqual({
      ok: false,
      message: 'person must be an object, got a list',
    });
  });

  it('resolves file references to the stored file and checks its detected type and size', () => {
    const schema: VariableSchema = { type: 'file', mime_types: ['application/pdf'], max_size_bytes: 1024 };
    expect(checkInputValue({ type: 'file' }, { file_id: 'file_pdf', name: 'renamed.pdf' }, 'document', lookup)).toEqual(
      { ok: true, value: files.get('file_pdf') },
    );
    expect(checkInputValue(schema, { file_id: 'file_txt' }, 'document', lookup)).toEqual({
      ok: false,
      message: "document must be a file of type application/pdf; 'notes.txt' is text/plain",
    });
    expect(checkInputValue(schema, { file_id: 'file_pdf' }, 'document', lookup)).toEqual({
      ok: false,
      message: "document must be at most 1024 bytes; 'report.pdf' has 2048",
    });
    expect(checkInputValue(schema, { file_id: 'file_gone' }, 'document', lookup)).toEqual({
      ok: false,
      message: "document must name an uploaded file; file 'file_gone' does not exist",
    });
    expect(checkInputValue(schema, 'report.pdf', 'document', lookup).ok).toBe(false);
  });

  it('finds the file ids a value refers to, at any depth', () => {
    const schema: VariableSchema = { type: 'object', properties: { docs: { type: 'array', items: { type: 'file' } } } };
    expect(fileIdsIn(schema, { docs: [{ file_id: 'a' }, { file_id: 'b' }] })).toEqual(['a', 'b']);
  });
});

describe('validateInputs', () => {
  const variables: InputVariable[] = [
    { name: 'document', variable_id: 'input_doc', required: true, schema: { type: 'file' } },
    {
      name: 'analysis_depth',
      variable_id: 'depth',
      required: true,
      schema: { type: 'string', enum: ['basic', 'detailed'] },
      default: 'basic',
    },
    { name: 'note', variable_id: 'note', required: false, schema: { type: 'string' } },
  ];

  it('lists every missing or invalid variable by name, and unknown ones', () => {
    expect(validateInputs(variables, {}, lookup).errors).toEqual({ input_doc: 'document is required' });
    expect(
      validateInputs(variables, { input_doc: { file_id: 'file_pdf' }, depth: 'deep', extra: 1 }, lookup).errors,
    ).toEqual({
      depth: 'analysis_depth must be one of basic, detailed',
      extra: 'extra is not an input of this workflow; its inputs are input_doc, depth, note',
    });
  });

  it('fills unset inputs from their defaults', () => {
    expect(effectiveInputs(variables, { input_doc: files.get('file_pdf')! })).toEqual({
      input_doc: files.get('file_pdf'),
      depth: 'basic',
    });
    expect(effectiveInputs(variables, { depth: 'detailed' })).toEqual({ depth: 'detailed' });
  });
});
