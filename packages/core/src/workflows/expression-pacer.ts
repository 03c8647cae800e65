import { patched, sleep } from '@temporalio/workflow';
import { EXPRESSION_LIMITS, evaluateExpression, type ExpressionResult } from '../model/expressions';
import type { ExpressionEvaluator } from '../model/mappings';

/** The patch behind the calibrated bounds, RE2 and pacing: runs recorded before it replay with the old evaluator. */
export const BOUNDED_EXPRESSIONS_PATCH = 'ordo-bounded-expressions';

/**
 * Evaluates a run's expressions so that one workflow activation never spends much more
 * than one evaluation's bound on them. Each evaluation is bounded by `EXPRESSION_LIMITS`;
 * a step may hold many (a mapping per parameter, a BATCH's inputs for each of up to 1,000
 * items), and steps whose policy turns them off follow each other with no wait. So the
 * pacer counts the steps every evaluation took since the run last waited for Temporal (an
 * activity, a local write: the loop says so with `waited()`), and before evaluating more
 * once that passes the bound, it waits itself: a 1 ms durable timer, which ends the
 * activation. Counts, not time, decide, so a replay waits at the same points.
 *
 * Runs recorded before these bounds (no `ordo-bounded-expressions` marker where they
 * evaluated) replay with the old evaluator and without pacing: their expressions decide
 * as they did. Evaluations a run makes live (after replay, or in a new run) are bounded.
 */
export class ExpressionPacer {
  private spent = 0;

  /** The run waited for Temporal: a new activation began. */
  waited(): void {
    this.spent = 0;
  }

  /** The evaluator for a run's value scopes. */
  readonly evaluate: ExpressionEvaluator = async (texts, document) => {
    if (!patched(BOUNDED_EXPRESSIONS_PATCH)) return Promise.all(texts.map((text) => evaluateExpression(text, document, { legacy: true })));
    const results: ExpressionResult[] = [];
    // One after another, so the pacer can wait between them.
    for (const text of texts) {
      if (this.spent >= EXPRESSION_LIMITS.max_steps) {
        await sleep(1, { summary: 'expression pacing' });
        this.spent = 0;
      }
      results.push(await evaluateExpression(text, document, { onSteps: (steps) => (this.spent += steps) }));
    }
    return results;
  };
}
