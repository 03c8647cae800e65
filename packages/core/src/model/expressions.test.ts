import { describe, expect, it } from 'vitest';
import { isTruthy } from '../workflows/activation';
import { EXPRESSION_LIMITS, evaluateExpression, parseExpression } from './expressions';

describe('expressions', () => {
  it('finds the top-level names an expression reads, not nested fields or predicates', () => {
    expect(parseExpression('$length(document_text) > 10')).toEqual({ ok: true, names: ['document_text'] });
    expect(parseExpression('__steps__.verify.outputData.verified')).toEqual({ ok: true, names: ['__steps__'] });
    expect(parseExpression('orders[price > limit].id')).toEqual({ ok: true, names: ['orders'] });
    expect(parseExpression('flag ? a : "b"')).toEqual({ ok: true, names: ['flag', 'a'] });
  });

  it('reports a syntax error with its position', () => {
    expect(parseExpression('a +')).toEqual({ ok: false, message: 'Unexpected end of expression', position: 3 });
    expect(parseExpression('x'.repeat(EXPRESSION_LIMITS.max_length + 1))).toMatchObject({ ok: false });
  });

  it('evaluates against a document and gives plain JSON', async () => {
    expect(await evaluateExpression('items.price', { items: [{ price: 1 }, { price: 2 }] })).toEqual({ ok: true, value: [1, 2] });
    expect(await evaluateExpression('missing', {})).toEqual({ ok: true, value: undefined });
    expect(await evaluateExpression('$sum([1..100])', {})).toEqual({ ok: true, value: 5050 });
  });

  it('bounds evaluation by a count of steps, so the bound falls at the same point on replay', async () => {
    const result = await evaluateExpression('$map([1..3000], function($i){ $map([1..3000], function($j){ $i * $j }) })', {});
    expect(result).toMatchObject({ ok: false });
    expect(result.ok ? '' : result.message).toContain(`more than ${EXPRESSION_LIMITS.max_steps} steps`);
  });

  it('bounds recursion depth and result size', async () => {
    const deep = await evaluateExpression('($f := function($n){ $n = 0 ? 0 : 1 + $f($n - 1) }; $f(5000))', {});
    expect(deep.ok).toBe(false);
    const big = await evaluateExpression('$pad("", 300000, "x")', {});
    expect(big).toMatchObject({ ok: false, message: expect.stringContaining('larger than') });
  });
});

describe('activation truth', () => {
  it('follows JSONata $boolean', () => {
    expect([true, 1, 'x', [0, 1], { a: 1 }].map(isTruthy)).toEqual([true, true, true, true, true]);
    expect([false, 0, '', [], {}, null, undefined, [false]].map(isTruthy)).toEqual([false, false, false, false, false, false, false, false]);
  });
});
