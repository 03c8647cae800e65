import { describe, expect, it } from 'vitest';
import { evaluateExpression } from '../model/expressions';
import { ExpressionPacer, STEPS_PER_ACTIVATION, STEPS_PER_JOB_STEP } from './expression-pacer';

/** A pacer whose pauses are counted (in a run, each is a 1 ms durable timer). */
function countingPacer(): { pacer: ExpressionPacer; pauses: () => number } {
  let pauses = 0;
  const pacer = new ExpressionPacer(true, () => {
    pauses++;
    return Promise.resolve();
  });
  return { pacer, pauses: () => pauses };
}

const endless = '($loop := function($n){ $loop($n + 1) }; $loop(0))';

describe('the expression pacer', () => {
  it('pauses once every STEPS_PER_ACTIVATION steps, across the evaluations of a step, and starts afresh when the run waited', async () => {
    const { pacer, pauses } = countingPacer();
    const budget = pacer.stepBudget();
    // 9,019 steps, then 9,019 more: the second evaluation goes on from the first's count.
    await evaluateExpression('$map([1..3000], function($v){ $v * 2 })', {}, { budget });
    expect(pauses()).toBe(9);
    await evaluateExpression('$map([1..3000], function($v){ $v * 2 })', {}, { budget });
    expect(pauses()).toBe(18);
    // A wait for Temporal refills the activation's budget: 999 steps go on at once, the 1,000th pauses.
    pacer.waited();
    expect(budget.draw(STEPS_PER_ACTIVATION - 1)).toBeUndefined();
    await budget.draw(1);
    expect(pauses()).toBe(19);
  });

  it("ends a job step's evaluations once together they pass STEPS_PER_JOB_STEP, each within its own bound", async () => {
    const { pacer } = countingPacer();
    const budget = pacer.stepBudget();
    const messages: string[] = [];
    for (let i = 0; i <= STEPS_PER_JOB_STEP / 100_000; i++) {
      const result = await evaluateExpression(endless, {}, { budget });
      messages.push(result.ok ? 'ok' : result.message);
    }
    expect(messages.slice(0, -1).every((m) => m.includes('more than 100000 evaluation steps'))).toBe(true);
    expect(messages.at(-1)).toContain(
      `the step's expressions took more than ${STEPS_PER_JOB_STEP} evaluation steps together`,
    );
    // Another step's budget starts from nothing.
    expect(await evaluateExpression('$sum([1..10])', {}, { budget: pacer.stepBudget() })).toEqual({
      ok: true,
      value: 55,
    });
  }, 60_000);
});
