import type jsonata from 'jsonata';
import type { SchemaValue } from '../schemas/schema-value';
import type { ExpressionFailure, ExpressionResult } from './expression-result';
import { evaluationEngine, type JsonataFailure } from './jsonata-engine';

/**
 * The bounds before they were calibrated in the sandbox, with JavaScript's backtracking
 * regexes and no size checks: runs recorded before keep them on replay (`patched`), so an
 * expression that succeeded then decides the same way now.
 */
const LEGACY_LIMITS = {
  max_length: 10_000,
  max_steps: 200_000,
  max_depth: 300,
  max_sequence: 100_000,
  max_result_bytes: 256 * 1024,
} as const;

/** Evaluation as the job workflow did it before the bounds were calibrated: for replaying runs recorded then. */
export async function evaluateLegacy(text: string, document: unknown): Promise<ExpressionResult> {
  const jsonataOf = await evaluationEngine();
  let compiled: jsonata.Expression;
  try {
    if (text.length > LEGACY_LIMITS.max_length)
      throw new Error(`the expression is longer than ${LEGACY_LIMITS.max_length} characters`);
    compiled = jsonataOf(text, { stack: LEGACY_LIMITS.max_depth, sequence: LEGACY_LIMITS.max_sequence });
  } catch (err) {
    return legacyFailure(err);
  }
  let steps = 0;
  compiled.assign(Symbol.for('jsonata.__evaluate_entry') as unknown as string, () => {
    if (++steps > LEGACY_LIMITS.max_steps)
      throw new Error(`evaluation took more than ${LEGACY_LIMITS.max_steps} steps`);
  });
  let value: unknown;
  try {
    value = await compiled.evaluate(document);
  } catch (err) {
    return legacyFailure(err);
  }
  if (value === undefined) return { ok: true, value: undefined };
  let text2: string | undefined;
  try {
    text2 = JSON.stringify(value, (_key, v: unknown) => (typeof v === 'function' ? undefined : v));
  } catch (err) {
    return legacyFailure(
      new Error(`its value cannot be written as JSON (${err instanceof Error ? err.message : String(err)})`),
    );
  }
  if (text2 === undefined) return { ok: true, value: undefined };
  if (text2.length > LEGACY_LIMITS.max_result_bytes)
    return legacyFailure(new Error(`its value is larger than ${LEGACY_LIMITS.max_result_bytes} bytes of JSON`));
  return { ok: true, value: JSON.parse(text2) as SchemaValue };
}

function legacyFailure(err: unknown): ExpressionFailure {
  const f = err as JsonataFailure;
  const detail = f.message ?? (typeof f.code === 'string' ? `JSONata error ${f.code}` : String(err));
  const position = typeof f.position === 'number' ? f.position : undefined;
  return {
    ok: false,
    stage: 'evaluate',
    message: position !== undefined ? `${detail} (at position ${position})` : detail,
    detail,
    ...(position !== undefined && { position }),
  };
}
