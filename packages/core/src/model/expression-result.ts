import type { SchemaValue } from '../schemas/schema-value';

/**
 * Why an evaluation failed: at `parse` (a syntax error, an unsupported regex), `evaluate`
 * (a JSONata error, a bound overrun, anything thrown) or `result` (its value too large).
 * `message` is the whole sentence; `detail`, `code` and `position` its parts.
 */
export interface ExpressionFailure {
  ok: false;
  stage: 'parse' | 'evaluate' | 'result';
  message: string;
  detail: string;
  code?: string;
  position?: number;
}

/** What evaluating an expression gave: a JSON value (undefined when it has none), or why it failed. */
export type ExpressionResult = { ok: true; value: SchemaValue | undefined } | ExpressionFailure;
