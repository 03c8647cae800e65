import { beforeEach, describe, expect, it } from 'vitest';
import { ApplicationFailure } from '@temporalio/common';
import { applicationFailureOf } from '@ordo/testing';
import { runTool } from '../testing/run-tool';
import { jsonTransform, MAX_RESULT_BYTES } from './json-transform';

const ORDERS = {
  customer: { name: 'Ada', tier: 'gold' },
  orders: [
    { id: 'o1', total: 120.5, items: 3 },
    { id: 'o2', total: 80, items: 1 },
    { id: 'o3', total: 15.25, items: 2 },
  ],
};

describe('json_transform', () => {
  it('reshapes data', async () => {
    const outputs = await runTool(jsonTransform, {
      input: ORDERS,
      expression: '{ "customer": customer.name, "big_orders": orders[total > 50].id, "revenue": $sum(orders.total) }',
    });
    expect(outputs).toEqual({ result: { customer: 'Ada', big_orders: ['o1', 'o2'], revenue: 215.75 } });
  });

  it('returns plain JSON: a single match is a value, a JSONata sequence an array, no value null', async () => {
    expect(await runTool(jsonTransform, { input: ORDERS, expression: 'orders[id = "o2"].items' })).toEqual({
      result: 1,
    });
    expect(await runTool(jsonTransform, { input: ORDERS, expression: 'orders.items' })).toEqual({ result: [3, 1, 2] });
    expect(await runTool(jsonTransform, { input: ORDERS, expression: 'nothing.here' })).toEqual({ result: null });
    expect(await runTool(jsonTransform, { input: [1, 2], expression: '$' })).toEqual({ result: [1, 2] });
    expect(await runTool(jsonTransform, { input: null, expression: 'function($x) { $x }' })).toEqual({ result: null });
  });

  it('refuses a syntax error non-retryably with its position', async () => {
    const failure = await applicationFailureOf(
      runTool(jsonTransform, { input: ORDERS, expression: 'orders[total > 50' }),
    );
    expect([failure.type, failure.nonRetryable]).toEqual(['EXPRESSION_INVALID', true]);
    expect(failure.message).toMatch(/^expression: .+ at position \d+ \(JSONata S0\d{3}\)$/);
  });

  it('reports an evaluation error non-retryably', async () => {
    const failure = await applicationFailureOf(
      runTool(jsonTransform, { input: ORDERS, expression: 'customer.name + 1' }),
    );
    expect([failure.type, failure.nonRetryable]).toEqual(['EXPRESSION_FAILED', true]);
    expect(failure.message).toMatch(
      /^expression: The left side of the "\+" operator must evaluate to a number at position \d+ \(JSONata T2001\)$/,
    );
  });

  it('stops an endless recursion with the time box', async () => {
    // A tail call: JSONata does not deepen the stack for it, so only the time box can stop it.
    const started = Date.now();
    const failure = await applicationFailureOf(
      runTool(jsonTransform, {
        input: {},
        expression: '($loop := function($n) { $loop($n + 1) }; $loop(0))',
        timeout_ms: 200,
      }),
    );
    expect([failure.type, failure.nonRetryable]).toEqual(['EXPRESSION_FAILED', true]);
    // The evaluator's time box, its step bound, or the thread's hard stop 100 ms later on a busy machine.
    expect(failure.message).toMatch(
      /^expression: Evaluation timeout after 200 milliseconds|more than \d+ evaluation steps/,
    );
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  describe('stopped at timeout_ms whatever the expression does', () => {
    // A new thread first loads the tool's modules, which its time limit does not count and
    // this test should not time: one is warmed before each case (the last case's was stopped).
    beforeEach(() => runTool(jsonTransform, { input: null, expression: '1' }));

    it.each([
      // In the worker's event loop these ran 6 s and 11 s (at 1.7 GB) against a 1 s timeout_ms.
      ['a catastrophic regular expression', '$match("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!", /^(a+)+$/)'],
      ['a $pad of 300 million characters', '$length($pad("x", 300000000))'],
    ])('%s', { timeout: 60_000 }, async (_, expression) => {
      const started = Date.now();
      const outcome = await runTool(jsonTransform, { input: {}, expression, timeout_ms: 1_000 }).then(
        () => undefined,
        (err: unknown) => err,
      );
      const elapsed = Date.now() - started;
      // timeout_ms and the 100 ms grace, with a margin for a busy machine.
      expect(elapsed).toBeLessThan(1_000 + 2_000);
      // Stopped by the thread at the deadline, or by the evaluator's own bounds sooner (then
      // its message): either way for good. An evaluator that can answer in time may succeed.
      if (outcome !== undefined) {
        expect(outcome).toBeInstanceOf(ApplicationFailure);
        const failure = outcome as ApplicationFailure;
        expect([failure.type, failure.nonRetryable]).toEqual(['EXPRESSION_FAILED', true]);
        expect(failure.message).toMatch(/^expression: /);
      }
    });
  });

  it('stops a deep recursion before it overflows the stack', async () => {
    const failure = await applicationFailureOf(
      runTool(jsonTransform, { input: {}, expression: '($deep := function($n) { 1 + $deep($n + 1) }; $deep(0))' }),
    );
    expect(failure.type).toBe('EXPRESSION_FAILED');
    expect(failure.message).toMatch(/Stack overflow.*\(JSONata D1011\)$/);
  });

  it('refuses a result over 1 MiB of JSON', async () => {
    const failure = await applicationFailureOf(
      runTool(jsonTransform, { input: { s: 'x'.repeat(1_000) }, expression: '[1..1100].($$.s)' }),
    );
    expect([failure.type, failure.nonRetryable]).toEqual(['RESPONSE_TOO_LARGE', true]);
    expect(failure.message).toMatch(
      new RegExp(`^result: (more than )?\\d+ bytes of JSON, over the limit of ${MAX_RESULT_BYTES} bytes$`),
    );
  });

  it('refuses $pad of 300 million characters before building it, whatever the time box', async () => {
    const failure = await applicationFailureOf(
      runTool(jsonTransform, { input: {}, expression: '$length($pad("", 300000000))', timeout_ms: 1_000 }),
    );
    expect([failure.type, failure.nonRetryable]).toEqual(['EXPRESSION_FAILED', true]);
    expect(failure.message).toMatch(
      /^expression: \$pad would build a string of 300000000 characters; at most \d+ are allowed/,
    );
  });

  it('runs regexes in RE2: a catastrophic pattern answers at once', async () => {
    const outputs = await runTool(jsonTransform, {
      input: { s: `${'a'.repeat(40)}!` },
      expression: '[$contains(s, /^(a+)+$/), $replace(s, /(a+)+$/, "x")]',
      timeout_ms: 1_000,
    });
    expect(outputs).toEqual({ result: [false, `${'a'.repeat(40)}!`] });
  });
});
