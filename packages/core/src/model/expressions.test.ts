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
    expect(result.ok ? '' : result.message).toContain(`more than ${EXPRESSION_LIMITS.max_steps} evaluation steps`);
  });

  it('is calibrated for the workflow sandbox: a step there costs about 200 µs, so the bound is about 0.3 s', () => {
    expect(EXPRESSION_LIMITS.max_steps).toBeLessThanOrEqual(2_000);
  });

  const failureOf = async (text: string, document: Record<string, unknown> = {}): Promise<string> => {
    const result = await evaluateExpression(text, document);
    expect(result.ok, `${text} should fail`).toBe(false);
    return result.ok ? '' : result.message;
  };

  it('refuses $pad of 200 million characters before building it (V8 aborted the worker on it)', async () => {
    expect(await failureOf('$length($pad("", 200000000))')).toMatch(/^\$pad would build a string of 200000000 characters; at most 1000000 are allowed/);
    // The same through $eval.
    expect(await failureOf('$eval("$pad(\\"\\", 200000000)")')).toMatch(/\$pad would build a string of 200000000 characters/);
  });

  it('stops a string that doubles itself with & once it passes the string limit', async () => {
    expect(await failureOf('($f := function($s, $n){ $n = 0 ? $s : $f($s & $s, $n - 1) }; $length($f("x", 40)))')).toMatch(/built a string of more than 1000000 characters|more than \d+ evaluation steps/);
  });

  it('counts the values ranges build as work: many ranges of 100,000 end the evaluation early', async () => {
    expect(await failureOf('$sum($map([1..3000], function($i){ $count([1..100000]) }))')).toMatch(/more than \d+ evaluation steps/);
  });

  it('counts tail calls: a tail recursion of 5,000 and an endless one end at the step bound', async () => {
    expect(await failureOf('($f := function($x){ $x < 5000 ? $f($x + 1) : $x }; $f(0))')).toMatch(/more than \d+ evaluation steps/);
    expect(await failureOf('($loop := function($n){ $loop($n + 1) }; $loop(0))')).toMatch(/more than \d+ evaluation steps/);
    expect(await evaluateExpression('($f := function($x){ $x < 100 ? $f($x + 1) : $x }; $f(0))', {})).toEqual({ ok: true, value: 100 });
  });

  it('stops values that share their parts before they are compared or written out', async () => {
    expect(await failureOf('($f := function($o, $n){ $n = 0 ? $o : $f({"x": $o, "y": $o}, $n - 1) }; $f({"a": 1}, 40) = 1)')).toMatch(/evaluation steps|value of more than/);
    expect(await failureOf('$fromMillis(0, "[Y,*-1000000000]")')).toMatch(/\$fromMillis would build a string/);
    expect(await failureOf('$replace($pad("", 1000, "a"), "a", $pad("", 5000, "b"))')).toMatch(/\$replace would build a string of more than 1000000 characters/);
  });

  it('runs regexes in RE2: catastrophic patterns answer at once in $match, $replace and $contains', async () => {
    const document = { s: `${'a'.repeat(40)}!` };
    expect(await evaluateExpression('$match(s, /^(a+)+$/)', document)).toEqual({ ok: true, value: undefined });
    expect(await evaluateExpression('$replace(s, /^(a+)+$/, "b")', document)).toEqual({ ok: true, value: document.s });
    expect(await evaluateExpression('$contains(s, /^(a+)+$/)', document)).toEqual({ ok: true, value: false });
    expect(await evaluateExpression('$match("abcabc", /(b)(c)/).groups', {})).toEqual({ ok: true, value: ['b', 'c', 'b', 'c'] });
    expect(await evaluateExpression('$replace("hello", /(l+)/, "[$1]")', {})).toEqual({ ok: true, value: 'he[ll]o' });
  });

  it('refuses, at parse and at run time, a regex RE2 cannot run', async () => {
    expect(parseExpression('$match(x, /(a)\\1/)')).toMatchObject({ ok: false, message: expect.stringContaining('RE2'), position: expect.any(Number) });
    expect(await failureOf('$eval("$match(\\"aa\\", /(a)\\\\1/)")')).toMatch(/not supported by RE2/);
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
