import { describe, expect, it } from 'vitest';
import {
  applyOutputMappings,
  literalValueOf,
  providerOf,
  resolveMappings,
  resolveValue,
  sourceUses,
  type ValueScope,
} from './mappings';
import type { SchemaValue } from '../schemas/schema-value';

const declared = new Set(['input_doc', 'depth', 'document_text', 'score']);

function scope(variables: Record<string, SchemaValue>, extra: Record<string, unknown> = {}): ValueScope {
  return { variables, declared, document: () => ({ ...variables, ...extra }) };
}

describe('value sources', () => {
  it('reads declared variables and passes other values as literals (seed 002)', async () => {
    const resolved = await resolveMappings(
      { input_file: 'input_doc', extraction_mode: 'full', pages: 3, flags: { ocr: false } },
      scope({ input_doc: { file_id: 'file_1', name: 'a.pdf' } }),
    );
    expect(resolved).toEqual({
      ok: true,
      values: {
        input_file: { file_id: 'file_1', name: 'a.pdf' },
        extraction_mode: 'full',
        pages: 3,
        flags: { ocr: false },
      },
    });
  });

  it('leaves out a declared variable that has no value instead of passing its name', async () => {
    expect(await resolveMappings({ analysis_level: 'depth', other: { var: 'score' } }, scope({}))).toEqual({
      ok: true,
      values: {},
    });
  });

  it('resolves {const}, {var} and {expr}, nested in objects and arrays', async () => {
    const s = scope(
      { depth: 'detailed', score: 7 },
      { __context__: { customerId: '123' }, __steps__: { verify: { outputData: { verified: true } } } },
    );
    expect(await resolveValue({ const: 'depth' }, s)).toEqual({ ok: true, value: 'depth' });
    expect(await resolveValue({ const: { var: 'x' } }, s)).toEqual({ ok: true, value: { var: 'x' } });
    expect(await resolveValue({ var: 'depth' }, s)).toEqual({ ok: true, value: 'detailed' });
    expect(await resolveValue({ expr: 'score * 2' }, s)).toEqual({ ok: true, value: 14 });
    expect(
      await resolveValue(
        {
          customer: { expr: '__context__.customerId' },
          ok: { expr: '__steps__.verify.outputData.verified' },
          list: [{ var: 'score' }, { expr: 'nothing' }, 'depth'],
        },
        s,
      ),
    ).toEqual({ ok: true, value: { customer: '123', ok: true, list: [7, null, 'detailed'] } });
  });

  it('supplies a fallback with an expression when a variable is absent', async () => {
    expect(await resolveValue({ expr: '$exists(score) ? score : 0' }, scope({}))).toEqual({ ok: true, value: 0 });
  });

  it('reports a failing expression with its text and where it is', async () => {
    const resolved = await resolveMappings({ options: { limit: { expr: '$number("x") + 1' } } }, scope({}));
    expect(resolved).toMatchObject({
      ok: false,
      name: 'options',
      path: ['options', 'limit'],
      expression: '$number("x") + 1',
    });
  });

  it('tells providers from objects that only look alike', () => {
    expect(providerOf({ var: 'a' })).toEqual({ kind: 'var', name: 'a' });
    expect(providerOf({ var: 'a', other: 1 })).toBeUndefined();
    expect(providerOf({ expr: 3 })).toBeUndefined();
    expect(providerOf({ const: null })).toEqual({ kind: 'const', value: null });
  });

  it('lists the variables and expressions a source uses', () => {
    expect(
      sourceUses(
        {
          a: 'depth',
          b: { var: 'score' },
          c: { expr: '$length(document_text) + unknown_name' },
          d: { const: 'input_doc' },
        },
        declared,
      ),
    ).toEqual([
      { path: ['a'], variable: 'depth' },
      { path: ['b'], variable: 'score' },
      { path: ['c'], expression: { text: '$length(document_text) + unknown_name' } },
      { path: ['c'], variable: 'document_text' },
    ]);
    expect(sourceUses({ expr: 'a +' }, declared)).toEqual([
      { path: [], expression: { text: 'a +', error: { message: 'Unexpected end of expression', position: 3 } } },
    ]);
  });

  it('knows the literal value of a source that reads nothing', () => {
    expect(literalValueOf({ const: 'full' }, declared)).toEqual({ value: 'full' });
    expect(literalValueOf({ a: { const: 1 }, b: [true] }, declared)).toEqual({ value: { a: 1, b: [true] } });
    expect(literalValueOf('depth', declared)).toBeUndefined();
    expect(literalValueOf({ expr: '1' }, declared)).toBeUndefined();
  });
});

describe('applyOutputMappings', () => {
  it('maps tool outputs to variables', () => {
    expect(
      applyOutputMappings({ extracted_text: 'document_text' }, { extracted_text: 'hello', page_count: 1 }),
    ).toEqual({
      ok: true,
      written: { document_text: 'hello' },
    });
  });

  it('reports outputs the tool did not return', () => {
    expect(applyOutputMappings({ a: 'x', b: 'y' }, { a: 1 })).toEqual({ ok: false, missing: ['b'] });
  });
});
