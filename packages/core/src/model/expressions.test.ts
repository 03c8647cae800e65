import { describe, expect, it } from 'vitest';
import { isTruthy } from '../workflows/activation';
import { STEPS_PER_ACTIVATION } from '../workflows/expression-pacer';
import { ExpressionOverrun, type StepBudget } from './expression-meter';
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
    expect(await evaluateExpression('items.price', { items: [{ price: 1 }, { price: 2 }] })).toEqual({
      ok: true,
      value: [1, 2],
    });
    expect(await evaluateExpression('missing', {})).toEqual({ ok: true, value: undefined });
    expect(await evaluateExpression('$sum([1..100])', {})).toEqual({ ok: true, value: 5050 });
  });

  it('bounds evaluation by a count of steps, so the bound falls at the same point on replay', async () => {
    const result = await evaluateExpression(
      '$map([1..3000], function($i){ $map([1..3000], function($j){ $i * $j }) })',
      {},
    );
    expect(result).toMatchObject({ ok: false });
    expect(result.ok ? '' : result.message).toContain(`more than ${EXPRESSION_LIMITS.max_steps} evaluation steps`);
  });

  it('is calibrated for the workflow sandbox: a step there costs about 300 µs, so an activation spends about 0.3 s and an expression at most 100 activations', () => {
    expect(STEPS_PER_ACTIVATION).toBeLessThanOrEqual(2_000);
    expect(EXPRESSION_LIMITS.max_steps / STEPS_PER_ACTIVATION).toBeLessThanOrEqual(100);
  });

  const failureOf = async (text: string, document: Record<string, unknown> = {}): Promise<string> => {
    const result = await evaluateExpression(text, document);
    expect(result.ok, `${text} should fail`).toBe(false);
    return result.ok ? '' : result.message;
  };

  it('refuses $pad of 200 million characters before building it (V8 aborted the worker on it)', async () => {
    expect(await failureOf('$length($pad("", 200000000))')).toMatch(
      /^\$pad would build a string of 200000000 characters; at most 1000000 are allowed/,
    );
    // The same through $eval.
    expect(await failureOf('$eval("$pad(\\"\\", 200000000)")')).toMatch(
      /\$pad would build a string of 200000000 characters/,
    );
  });

  it('stops a string that doubles itself with & once it passes the string limit', async () => {
    expect(
      await failureOf('($f := function($s, $n){ $n = 0 ? $s : $f($s & $s, $n - 1) }; $length($f("x", 40)))'),
    ).toMatch(/built a string of more than 1000000 characters|more than \d+ evaluation steps/);
  });

  it('counts the values ranges build as work: many ranges of 100,000 end the evaluation early', async () => {
    expect(await failureOf('$sum($map([1..3000], function($i){ $count([1..100000]) }))')).toMatch(
      /more than \d+ evaluation steps/,
    );
  });

  it('counts tail calls: an endless tail recursion ends at the step bound, one of 5,000 (45,011 steps) completes', async () => {
    expect(await failureOf('($loop := function($n){ $loop($n + 1) }; $loop(0))')).toMatch(
      /more than 100000 evaluation steps/,
    );
    expect(await evaluateExpression('($f := function($x){ $x < 5000 ? $f($x + 1) : $x }; $f(0))', {})).toEqual({
      ok: true,
      value: 5000,
    });
  });

  it('stops values that share their parts before they are compared or written out', async () => {
    expect(
      await failureOf('($f := function($o, $n){ $n = 0 ? $o : $f({"x": $o, "y": $o}, $n - 1) }; $f({"a": 1}, 40) = 1)'),
    ).toMatch(/evaluation steps|value of more than/);
    expect(await failureOf('$fromMillis(0, "[Y,*-1000000000]")')).toMatch(/\$fromMillis would build a string/);
    expect(await failureOf('$replace($pad("", 1000, "a"), "a", $pad("", 5000, "b"))')).toMatch(
      /\$replace would build a string of more than 1000000 characters/,
    );
  });

  it('runs regexes in RE2: catastrophic patterns answer at once in $match, $replace and $contains', async () => {
    const document = { s: `${'a'.repeat(40)}!` };
    expect(await evaluateExpression('$match(s, /^(a+)+$/)', document)).toEqual({ ok: true, value: undefined });
    expect(await evaluateExpression('$replace(s, /^(a+)+$/, "b")', document)).toEqual({ ok: true, value: document.s });
    expect(await evaluateExpression('$contains(s, /^(a+)+$/)', document)).toEqual({ ok: true, value: false });
    expect(await evaluateExpression('$match("abcabc", /(b)(c)/).groups', {})).toEqual({
      ok: true,
      value: ['b', 'c', 'b', 'c'],
    });
    expect(await evaluateExpression('$replace("hello", /(l+)/, "[$1]")', {})).toEqual({ ok: true, value: 'he[ll]o' });
  });

  it('refuses, at parse and at run time, a regex RE2 cannot run', async () => {
    expect(parseExpression('$match(x, /(a)\\1/)')).toMatchObject({
      ok: false,
      message: expect.stringContaining('RE2'),
      position: expect.any(Number),
    });
    expect(await failureOf('$eval("$match(\\"aa\\", /(a)\\\\1/)")')).toMatch(/not supported by RE2/);
  });

  it('bounds recursion depth and result size', async () => {
    const deep = await evaluateExpression('($f := function($n){ $n = 0 ? 0 : 1 + $f($n - 1) }; $f(5000))', {});
    expect(deep.ok).toBe(false);
    const big = await evaluateExpression('$pad("", 300000, "x")', {});
    expect(big).toMatchObject({ ok: false, message: expect.stringContaining('larger than') });
  });
});

/** A budget of `size` steps a wait, recording the steps drawn before each wait; `wait` answers each wait. */
function budgetOf(
  size: number,
  wait: () => Promise<void> = () => Promise.resolve(),
): StepBudget & { waits: number[]; drawn: number } {
  let left = size;
  const budget = {
    waits: [] as number[],
    drawn: 0,
    draw(steps: number): Promise<void> | undefined {
      budget.drawn += steps;
      left -= steps;
      if (left > 0) return undefined;
      budget.waits.push(budget.drawn);
      return wait().then(() => {
        left = size;
      });
    },
  };
  return budget;
}

describe("expressions drawing from a budget (the job workflow's pacer)", () => {
  const mapping = '$sum($map([1..3000], function($v){ $v * 2 }))';

  it('draws every step, waits wherever the budget is spent, and gives the value it gives unpaced', async () => {
    const budget = budgetOf(1_000);
    expect(await evaluateExpression(mapping, {}, { budget })).toEqual({ ok: true, value: 9_003_000 });
    expect(budget.drawn).toBeGreaterThan(9_000);
    expect(budget.waits).toHaveLength(Math.floor(budget.drawn / 1_000));
    // The same steps on every evaluation: a replay waits at the same points.
    const again = budgetOf(1_000);
    await evaluateExpression(mapping, {}, { budget: again });
    expect(again.waits).toEqual(budget.waits);
  });

  it('keeps the bound of one evaluation, whatever the budget', async () => {
    expect(
      await evaluateExpression('($loop := function($n){ $loop($n + 1) }; $loop(0))', {}, { budget: budgetOf(1_000) }),
    ).toMatchObject({
      ok: false,
      message: expect.stringContaining('more than 100000 evaluation steps'),
    });
  });

  it('rethrows a wait that rejects (a cancellation) as it is, also from inside $eval, and never reports it as a failure', async () => {
    const cancelled = new Error('cancelled while waiting');
    const budget = budgetOf(500, () => Promise.reject(cancelled));
    await expect(evaluateExpression(mapping, {}, { budget })).rejects.toBe(cancelled);
    await expect(
      evaluateExpression(
        `$eval(${JSON.stringify(mapping)})`,
        {},
        { budget: budgetOf(500, () => Promise.reject(cancelled)) },
      ),
    ).rejects.toBe(cancelled);
  });

  it("fails the evaluation with the budget's own overrun", async () => {
    const budget: StepBudget = {
      draw: () => {
        throw new ExpressionOverrun("the step's expressions took more than 10 evaluation steps together");
      },
    };
    expect(await evaluateExpression(mapping, {}, { budget })).toMatchObject({
      ok: false,
      message: expect.stringContaining("the step's expressions took more than 10 evaluation steps together"),
    });
  });
});

describe('activation truth', () => {
  it('follows JSONata $boolean', () => {
    expect([true, 1, 'x', [0, 1], { a: 1 }].map(isTruthy)).toEqual([true, true, true, true, true]);
    expect([false, 0, '', [], {}, null, undefined, [false]].map(isTruthy)).toEqual([
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
  });
});
