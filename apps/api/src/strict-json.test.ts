import { describe, expect, it } from 'vitest';
import { parseStrictJson, scanJson } from './strict-json';

const refused = (text: string) => {
  const result = parseStrictJson(text);
  if (result.ok) throw new Error(`accepted: ${text}`);
  return result;
};

describe('scanJson', () => {
  it('counts nesting and member separators, not brackets or colons inside strings', () => {
    expect(scanJson('{"a": 1}')).toEqual({ depth: 1, members: 1 });
    expect(scanJson('{"a": [{"b": [1, 2]}]}')).toEqual({ depth: 4, members: 2 });
    expect(scanJson('{"a": "[[[{{{:", "b": "\\\\\\"[[:"}')).toEqual({ depth: 1, members: 2 });
    expect(scanJson('"plain"').depth).toBe(0);
    expect(scanJson('['.repeat(5000) + ']'.repeat(5000)).depth).toBe(5000);
  });
});

describe('parseStrictJson', () => {
  it('takes ordinary JSON, -0 and big finite numbers as they are', () => {
    expect(parseStrictJson('{"a":[1,"two",{"b":null}],"c":-0,"d":1e300,"e":"\\ud83d\\ude00"}')).toEqual({
      ok: true,
      value: { a: [1, 'two', { b: null }], c: -0, d: 1e300, e: '😀' },
    });
  });

  it('refuses text that is not JSON with NOT_JSON naming (body)', () => {
    for (const text of ['{"a":', '{"a":1,}', "{'a':1}", '{"a":NaN}', '{} {}', '']) {
      expect(refused(text), text).toMatchObject({ code: 'NOT_JSON', errors: [{ field: '(body)' }] });
    }
  });

  it('refuses nesting beyond 64 levels before parsing', () => {
    expect(parseStrictJson(`${'['.repeat(64)}${']'.repeat(64)}`).ok).toBe(true);
    expect(refused(`${'['.repeat(100_000)}${']'.repeat(100_000)}`)).toMatchObject({
      code: 'TOO_DEEP',
      errors: [{ field: '(body)' }],
    });
  });

  it('names each member it refuses by its path', () => {
    expect(refused('{"a":{"b":[0,1e400]}}').errors).toEqual([
      { field: 'a.b.1', message: 'must be a finite number (at most about ±1.8e308)' },
    ]);
    expect(refused('[-1e999]').errors[0]?.field).toBe('0');
    expect(refused('{"name":"x\\u0000"}').errors[0]).toEqual({
      field: 'name',
      message: 'must not contain U+0000 (NUL)',
    });
    expect(refused('{"name":"\\ud800x"}').errors[0]?.field).toBe('name');
    expect(refused('{"name":"x\\udc00"}').errors[0]?.field).toBe('name');
    expect(refused('{"o":{"\\ud800":1}}').errors[0]?.field).toBe('o.\ud800');
    expect(refused('{"o":{"a\\u0000":1}}').errors[0]?.message).toBe('as a member name, must not contain U+0000 (NUL)');
    expect(refused('{"i":{"__proto__":{"x":1}}}').errors).toEqual([
      { field: 'i.__proto__', message: 'is not accepted as a member name' },
    ]);
  });

  it('names a member given twice, at any depth, and only then', () => {
    expect(refused('{"a":1,"a":2}').errors).toEqual([{ field: 'a', message: 'must appear only once in its object' }]);
    expect(refused('{"x":[{"k":1},{"k":1,"k":2}]}').errors.map((e) => e.field)).toEqual(['x.1.k']);
    // The same name in sibling objects is no duplicate.
    expect(parseStrictJson('{"x":[{"k":1},{"k":2}],"y":{"k":3}}').ok).toBe(true);
  });

  it('reports at most 20 errors', () => {
    const text = JSON.stringify(Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 'bad\u0000'])));
    expect(refused(text).errors).toHaveLength(20);
  });
});
