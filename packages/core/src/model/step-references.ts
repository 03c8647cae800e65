import type { StepDefinition } from '../schemas/step-definition';

/** Bytes of earlier steps' records a continued run reloads for `__steps__`, at most. */
export const MAX_REFERENCED_BYTES = 512 * 1024;

// Step IDs are identifiers (`Identifier`): every token of this shape in a text may be one.
const TOKEN = /[A-Za-z_][A-Za-z0-9_]*/g;

/**
 * The IDs of the steps before `from` that the steps from `from` on may read through
 * `__steps__` in their expressions: every earlier step ID that appears as a token in a
 * remaining step whose definition mentions `__steps__`. It over-reaches (a literal that
 * happens to spell a step ID counts) but never misses a step named in an expression; an
 * expression that enumerates `__steps__` without naming steps sees, after the run
 * continued as new, the steps named elsewhere and those run since.
 */
export function referencedStepIds(steps: readonly StepDefinition[], from: number): Set<string> {
  const tokens = new Set<string>();
  for (let i = from; i < steps.length; i++) {
    const text = JSON.stringify(steps[i]);
    if (!text.includes('__steps__')) continue;
    for (const token of text.match(TOKEN) ?? []) tokens.add(token);
  }
  const referenced = new Set<string>();
  if (tokens.size === 0) return referenced;
  for (let i = 0; i < from && i < steps.length; i++) {
    const id = steps[i]!.step_id;
    if (tokens.has(id)) referenced.add(id);
  }
  return referenced;
}
