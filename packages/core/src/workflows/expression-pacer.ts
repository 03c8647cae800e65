import { sleep } from '@temporalio/workflow';
import { ExpressionOverrun, type StepBudget } from '../model/expression-meter';
import { EXPRESSION_LIMITS, evaluateExpression, type ExpressionResult } from '../model/expressions';
import type { ExpressionEvaluator } from '../model/mappings';

/**
 * The patch behind the calibrated bounds, RE2 and pacing: runs recorded before it replay with
 * the old evaluator. The job workflow asks it once, first thing in every execution, before any
 * command: asked where an expression is first evaluated, a replay could meet its marker in a
 * later workflow task than the code asks (a local activity's result delivered in a task of its
 * own), and fail as nondeterministic.
 */
export const BOUNDED_EXPRESSIONS_PATCH = 'ordo-bounded-expressions';

/**
 * Evaluation steps one workflow activation may spend before the run waits. A step costs
 * about 300 µs of CPU in the sandbox (JSONata 2 makes several promises a step, and the SDK
 * records a stack trace for each): 1,000 steps are about 0.3 s, far inside the deadline of
 * an activation (the SDK's 5 s) and of a workflow task (10 s).
 */
export const STEPS_PER_ACTIVATION = 1_000;

/**
 * Evaluation steps one job step's expressions may take together (its activation policy,
 * its mappings, a BATCH's iterable and every item's inputs): ten times one evaluation's
 * bound, so a BATCH of 1,000 items may spend 1,000 steps on each. It bounds what a step
 * adds to the history (at most about 1,000 pacing timers, 5,000 events) whatever its
 * definition holds: the run continues as new only between steps.
 */
export const STEPS_PER_JOB_STEP = 10 * EXPRESSION_LIMITS.max_steps;

/**
 * Paces a run's expressions so that no workflow activation spends much more than
 * `STEPS_PER_ACTIVATION` on them, wherever they are evaluated. Every step of every
 * evaluation (an activation policy, a tool step's mappings, a BATCH's iterable and per-item
 * inputs, a wait's `until`) draws from one budget; once it is spent, the evaluation awaits
 * a 1 ms durable timer (JSONata awaits its step callback, so it suspends mid-evaluation),
 * which ends the activation; it resumes in the next with the budget refilled. The budget
 * is also refilled wherever the run waited for Temporal anyway (an activity, a local
 * write: the loop says so with `waited()`). Only counts decide, so a replay suspends at
 * the same steps and issues the same timers.
 *
 * A cancellation that arrives while an evaluation waits rejects the timer: the evaluation
 * rethrows it (`StepBudget`), so the run ends Cancelled, not with `EXPRESSION_FAILED`.
 * Signals and queries are handled meanwhile as at any other wait; a pause takes effect at
 * the next step boundary.
 *
 * Runs recorded before these bounds (no `ordo-bounded-expressions` marker) replay with the
 * old evaluator and without pacing (`bounded` false): their expressions decide as they did.
 */
export class ExpressionPacer {
  /** Steps the current activation may still spend. */
  private left = STEPS_PER_ACTIVATION;

  /**
   * @param bounded whether the execution runs with these bounds (`patched(BOUNDED_EXPRESSIONS_PATCH)`, asked at its start)
   * @param pause ends the activation: a 1 ms durable timer (unit tests count calls instead)
   */
  constructor(
    private readonly bounded: boolean,
    private readonly pause: () => Promise<void> = () => sleep(1, { summary: 'expression pacing' }),
  ) {}

  /** The run waited for Temporal: a new activation began. */
  waited(): void {
    this.left = STEPS_PER_ACTIVATION;
  }

  /** The budget one job step's evaluations share: the run's per activation, and the step's own total. */
  stepBudget(): StepBudget {
    let taken = 0;
    return {
      draw: (steps) => {
        taken += steps;
        if (taken > STEPS_PER_JOB_STEP)
          throw new ExpressionOverrun(
            `the step's expressions took more than ${STEPS_PER_JOB_STEP} evaluation steps together`,
          );
        return this.draw(steps);
      },
    };
  }

  /** The evaluator of one job step's expressions: one after another, drawing from the step's budget. */
  forStep(): ExpressionEvaluator {
    const budget = this.stepBudget();
    return async (texts, document) => {
      if (!this.bounded) return Promise.all(texts.map((text) => evaluateExpression(text, document, { legacy: true })));
      const results: ExpressionResult[] = [];
      for (const text of texts) results.push(await evaluateExpression(text, document, { budget }));
      return results;
    };
  }

  /** Takes `steps` from the activation's budget: once it is spent, the pause to wait for, which refills it. */
  private draw(steps: number): Promise<void> | undefined {
    this.left -= steps;
    if (this.left > 0) return undefined;
    return this.pause().then(() => this.waited());
  }
}
