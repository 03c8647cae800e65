import { describe, expect, it } from 'vitest';
import { jsonDepth } from './json-body';

describe('jsonDepth', () => {
  it('counts arrays and objects, not brackets inside strings', () => {
    expect(jsonDepth('{"a": 1}')).toBe(1);
    expect(jsonDepth('{"a": [{"b": [1, 2]}]}')).toBe(4);
    expect(jsonDepth('{"a": "[[[{{{", "b": "\\\\\\"[["}')).toBe(1);
    expect(jsonDepth('"plain"')).toBe(0);
    expect(jsonDepth('['.repeat(5000) + ']'.repeat(5000))).toBe(5000);
  });
});
