import { describe, expect, it } from 'vitest';
import { UsageError } from './cli-error';
import { inputValue, splitAssignment } from './job-inputs';

describe('--input values', () => {
  it('splits NAME=VALUE at the first =, refusing anything else as misuse', () => {
    expect(splitAssignment('--input', 'q=a=b')).toEqual(['q', 'a=b']);
    expect(() => splitAssignment('--input', 'novalue')).toThrow(UsageError);
    expect(() => splitAssignment('--input', '=x')).toThrow(UsageError);
  });

  it('keeps text for a string input and reads JSON for others', () => {
    const variable = (schema: object) => ({ variable_id: 'v', name: 'v', required: true, schema }) as never;
    expect(inputValue('3', variable({ type: 'string' }))).toBe('3');
    expect(inputValue('3', variable({ type: 'number' }))).toBe(3);
    expect(inputValue('["a"]', variable({ type: 'array' }))).toEqual(['a']);
    expect(inputValue('not json', variable({ type: 'number' }))).toBe('not json');
    expect(inputValue('3', undefined)).toBe('3');
  });
});
