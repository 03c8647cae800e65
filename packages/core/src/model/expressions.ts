import type jsonata from 'jsonata';
import type { SchemaValue } from './schema-value';

/**
 * JSONata expressions evaluated inside the job workflow. They must decide the same way on
 * every replay, so every bound is counted, never timed: the workflow's clock stands still
 * while it computes, and a wall-clock limit would cut at a different point on replay.
 */
export const EXPRESSION_LIMITS = {
  /** Longest expression text. */
  max_length: 10_000,
  /** Sub-expressions one evaluation may enter: the "time" bound, counted deterministically. */
  max_steps: 200_000,
  /** Deepest nesting of evaluation (recursion), far below what overflows the stack. */
  max_depth: 300,
  /** Longest sequence an evaluation may build. */
  max_sequence: 100_000,
  /** Largest result, in bytes of its JSON text: results travel on to steps and the history. */
  max_result_bytes: 256 * 1024,
} as const;

/** What parsing an expression found: the variable names it reads at its top level, or where it is wrong. */
export type ParsedExpression = { ok: true; names: string[] } | { ok: false; message: string; position?: number };

/** What evaluating an expression gave: a JSON value (undefined when it has none), or why it failed. */
export type ExpressionResult = { ok: true; value: SchemaValue | undefined } | { ok: false; message: string };

interface JsonataFailure {
  code?: string;
  message?: string;
  position?: number;
  token?: string;
}

type JsonataEngine = typeof jsonata;

/** JSONata once loaded: synchronously in Node processes (`expression-engine.ts`), on first evaluation in workflow code. */
let engine: JsonataEngine | undefined;

/** Makes JSONata available to `parseExpression`; `@ordo/core`'s index does it for every Node process. */
export function useExpressionEngine(loaded: JsonataEngine): void {
  engine = loaded;
}

/**
 * JSONata for an evaluation. Workflow code evaluates every module it imports again for each
 * run (each has its own module cache), and JSONata's module costs as much as the rest of a
 * short run's workflow code: it is loaded (`eager`: bundled, not split off) only by a run
 * that evaluates an expression.
 */
async function evaluationEngine(): Promise<JsonataEngine> {
  engine ??= (await import(/* webpackMode: "eager" */ 'jsonata')).default;
  return engine;
}

function parsingEngine(): JsonataEngine {
  if (engine === undefined) throw new Error('JSONata is not loaded: import @ordo/core, whose index loads it, before parsing expressions');
  return engine;
}

/** Parses an expression, for publish-time checks and to learn which variables it reads. */
export function parseExpression(text: string): ParsedExpression {
  if (text.length > EXPRESSION_LIMITS.max_length) return { ok: false, message: `is ${text.length} characters long; at most ${EXPRESSION_LIMITS.max_length} are allowed` };
  try {
    const ast = parsingEngine()(text).ast();
    return { ok: true, names: topLevelNames(ast) };
  } catch (err) {
    const failure = err as JsonataFailure;
    return {
      ok: false,
      message: failure.message ?? String(err),
      ...(typeof failure.position === 'number' && { position: failure.position }),
    };
  }
}

/**
 * Evaluates an expression against a document (the job's variables, `__context__`,
 * `__steps__`, `__each__`), bounded in steps, depth, sequence length and result size.
 */
export async function evaluateExpression(text: string, document: Readonly<Record<string, unknown>>): Promise<ExpressionResult> {
  const jsonataOf = await evaluationEngine();
  let compiled: jsonata.Expression;
  try {
    if (text.length > EXPRESSION_LIMITS.max_length) throw new Error(`the expression is longer than ${EXPRESSION_LIMITS.max_length} characters`);
    compiled = jsonataOf(text, { stack: EXPRESSION_LIMITS.max_depth, sequence: EXPRESSION_LIMITS.max_sequence });
  } catch (err) {
    return { ok: false, message: failureMessage(err) };
  }
  let steps = 0;
  // JSONata calls this on entry to every sub-expression: a count, so the bound is the same on replay.
  compiled.assign(Symbol.for('jsonata.__evaluate_entry') as unknown as string, () => {
    if (++steps > EXPRESSION_LIMITS.max_steps) throw new Error(`evaluation took more than ${EXPRESSION_LIMITS.max_steps} steps`);
  });
  let value: unknown;
  try {
    value = await compiled.evaluate(document);
  } catch (err) {
    return { ok: false, message: failureMessage(err) };
  }
  return toJsonValue(value);
}

/** JSONata's value as plain JSON (its sequences become arrays, functions are dropped), within the size bound. */
function toJsonValue(value: unknown): ExpressionResult {
  if (value === undefined) return { ok: true, value: undefined };
  let text: string | undefined;
  try {
    text = JSON.stringify(value, (_key, v: unknown) => (typeof v === 'function' ? undefined : v));
  } catch (err) {
    return { ok: false, message: `its value cannot be written as JSON (${err instanceof Error ? err.message : String(err)})` };
  }
  if (text === undefined) return { ok: true, value: undefined };
  // Characters, not bytes: no TextEncoder in every sandbox, and a character is at least one byte.
  if (text.length > EXPRESSION_LIMITS.max_result_bytes) return { ok: false, message: `its value is larger than ${EXPRESSION_LIMITS.max_result_bytes} bytes of JSON` };
  return { ok: true, value: JSON.parse(text) as SchemaValue };
}

function failureMessage(err: unknown): string {
  const failure = err as JsonataFailure;
  const message = failure.message ?? (typeof failure.code === 'string' ? `JSONata error ${failure.code}` : String(err));
  return typeof failure.position === 'number' ? `${message} (at position ${failure.position})` : message;
}

/**
 * The names an expression reads from the document's top level: the first step of each path
 * (`document_text` in `$length(document_text)`, `__steps__` in `__steps__.verify.outputData`).
 * Names inside a path's later steps or predicates read nested fields, not variables.
 */
function topLevelNames(node: jsonata.ExprNode | undefined, names = new Set<string>()): string[] {
  visit(node, names, true);
  return [...names];
}

function visit(node: unknown, names: Set<string>, top: boolean): void {
  if (node === null || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const child of node) visit(child, names, top);
    return;
  }
  const n = node as jsonata.ExprNode & { steps?: jsonata.ExprNode[]; stages?: unknown; predicate?: unknown; group?: unknown; then?: unknown; else?: unknown; condition?: unknown; pattern?: unknown; update?: unknown; delete?: unknown; body?: unknown };
  if (n.type === 'name' && top && typeof n.value === 'string') names.add(n.value);
  if ((n.type as string) === 'path' && Array.isArray(n.steps)) {
    n.steps.forEach((step, i) => {
      // Only the first step of a path names a top-level field; later steps are relative to it.
      if (i === 0) visit(step, names, top);
      else visitInner(step, names);
    });
    return;
  }
  for (const [key, child] of Object.entries(n)) {
    if (key === 'steps' || key === 'value' || key === 'position' || key === 'type') continue;
    if (key === 'predicate' || key === 'stages' || key === 'group') visitInner(child, names);
    else visit(child, names, top);
  }
}

/** Inside a path step: names are fields of the step's context, but nested full expressions may still read the top. */
function visitInner(node: unknown, names: Set<string>): void {
  if (node === null || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const child of node) visitInner(child, names);
    return;
  }
  const n = node as { type?: string };
  if (n.type === 'name') return;
  for (const [key, child] of Object.entries(node)) {
    if (key === 'value' || key === 'position' || key === 'type') continue;
    visitInner(child, names);
  }
}
