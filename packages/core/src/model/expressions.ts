import type jsonata from 'jsonata';
import { checkedFunction, JSONATA_BUILT_INS, type BuiltInName, type JsonataFunction } from './checked-functions';
import {
  ExpressionOverrun,
  ExpressionMeter,
  isFunctionValue,
  jsonLengthWithin,
  measure,
  type ExpressionLimits,
  type StepBudget,
} from './expression-meter';
import { linearRegexEngine, loadRegexEngine, patternProblem } from './linear-regex';
import type { SchemaValue } from '../schemas/schema-value';
import type { ExpressionFailure, ExpressionResult } from './expression-result';
import { topLevelNames } from './expression-names';
import { evaluationEngine, parsingEngine, type JsonataEngine, type JsonataFailure } from './jsonata-engine';
import { evaluateLegacy } from './legacy-evaluation';

export type { ExpressionLimits, StepBudget } from './expression-meter';
export type { ExpressionFailure, ExpressionResult } from './expression-result';
export { useExpressionEngine } from './jsonata-engine';

/**
 * JSONata expressions evaluated inside the job workflow. They must decide the same way on
 * every replay, so every bound is counted, never timed: the workflow's clock stands still
 * while it computes, and a wall-clock limit would cut at a different point on replay.
 *
 * A step costs about 300 µs of CPU in the workflow sandbox (JSONata 2 makes several
 * promises a step, and the SDK records a stack trace for each), so the job workflow does
 * not let one activation run an evaluation to its bound: it draws every step from its
 * pacer (`StepBudget`), which ends the activation on a durable timer every 1,000 steps or
 * so, and the evaluation resumes in the next. `max_steps` is then what one expression may
 * cost a run: about 30 s of the worker's CPU spread over 100 activations, at most 100
 * timers (500 history events). Heavier transforms belong in a `json_transform` step.
 */
export const EXPRESSION_LIMITS: ExpressionLimits = {
  max_length: 10_000,
  max_steps: 100_000,
  max_depth: 300,
  max_sequence: 100_000,
  max_string: 1_000_000,
  max_array: 100_000,
  max_value: 1_000_000,
  max_nesting: 100,
  max_result_bytes: 256 * 1024,
};

/** What parsing an expression found: the variable names it reads at its top level, or where it is wrong. */
export type ParsedExpression = { ok: true; names: string[] } | { ok: false; message: string; position?: number };

/** How one evaluation runs. */
export interface EvaluationOptions {
  /** The bounds; the job workflow's by default. */
  limits?: ExpressionLimits;
  /** A wall-clock bound too (JSONata's own, checked at each step): only where time may differ between runs (a tool). */
  timeoutMs?: number;
  /** The bounds and regexes of runs recorded before they were calibrated (replay only). */
  legacy?: boolean;
  /**
   * Where the evaluation draws its steps from, and waits when told (the job workflow's
   * pacer): a wait that rejects ends the evaluation by rethrowing the rejection (a
   * cancellation stays a cancellation). None in Node processes: the evaluation runs through.
   */
  budget?: StepBudget;
}

/**
 * Parses an expression, for publish-time checks and to learn which variables it reads. A
 * regex literal RE2 cannot run (a backreference, a lookaround) is refused here, with its position.
 */
export function parseExpression(text: string): ParsedExpression {
  if (text.length > EXPRESSION_LIMITS.max_length)
    return {
      ok: false,
      message: `is ${text.length} characters long; at most ${EXPRESSION_LIMITS.max_length} are allowed`,
    };
  let ast: jsonata.ExprNode;
  try {
    ast = parsingEngine()(text).ast();
  } catch (err) {
    const failure = err as JsonataFailure;
    return {
      ok: false,
      message: failure.message ?? String(err),
      ...(typeof failure.position === 'number' && { position: failure.position }),
    };
  }
  const uses = usesOf(ast);
  for (const regex of uses.regexes) {
    const problem = patternProblem(regex.literal.source, regex.literal.flags);
    if (problem !== undefined)
      return {
        ok: false,
        message: `the regular expression /${regex.literal.source}/ is not supported: regexes run in RE2 syntax, which matches in linear time (no backreferences or lookaround): ${problem}`,
        ...(regex.position !== undefined && { position: regex.position }),
      };
  }
  return { ok: true, names: topLevelNames(ast) };
}

/** Sub-expressions whose value may be one they built (not a variable's or a literal): checked on the way out. */
const BUILDING = new Set(['path', 'function', 'apply', 'unary', 'binary', 'wildcard', 'descendant']);
/** Operators that compare whole values, member by member: the operands' size is their work. */
const DEEP_COMPARISONS = new Set(['=', '!=', 'in']);

/**
 * Evaluates an expression against a document (the job's variables, `__context__`,
 * `__steps__`, `__each__`; a tool's input), bounded by `limits`: steps counted on entry to
 * every sub-expression (tail calls included: each bounce re-enters its body), the size of
 * every value a sub-expression builds checked on its way out and counted as work, the
 * built-ins that can build much more than they are given checked before they build
 * (`checked-functions.ts`), regexes run by RE2 and their scans counted, the result's JSON
 * measured before it is written. Any overrun, JSONata error or exception is a failure;
 * only a rejection of the budget's wait (`options.budget`) is rethrown.
 */
export async function evaluateExpression(
  text: string,
  document: unknown,
  options: EvaluationOptions = {},
): Promise<ExpressionResult> {
  if (options.legacy) return evaluateLegacy(text, document);
  const limits = options.limits ?? EXPRESSION_LIMITS;
  const jsonataOf = await evaluationEngine();
  if (text.length > limits.max_length)
    return failure('parse', { message: `the expression is longer than ${limits.max_length} characters` }, limits);
  const meter = new ExpressionMeter(limits, options.budget);
  let compiled: jsonata.Expression;
  try {
    compiled = jsonataOf(text, {
      stack: limits.max_depth,
      sequence: limits.max_sequence,
      RegexEngine: linearRegexEngine(meter),
      ...(options.timeoutMs !== undefined && { timeout: options.timeoutMs }),
    } as jsonata.JsonataOptions);
  } catch (err) {
    return failure('parse', err, limits);
  }
  const timestamp = Date.now();
  const checked = new Set<string>();
  // Built-ins an expression names are replaced by checked ones; text `$eval` runs is prepared the same way.
  const prepare = async (ast: jsonata.ExprNode): Promise<void> => {
    const uses = usesOf(ast);
    if (uses.regexes.length > 0 || uses.builtIns.has('eval')) await loadRegexEngine();
    const names = [...uses.builtIns].filter((name) => !checked.has(name));
    if (names.length === 0) return;
    const originals = await originalFunctions(jsonataOf, names);
    for (const name of names) {
      const replacement = checkedFunction(name, { meter, originals, timestamp, beforeEval });
      if (replacement !== undefined) compiled.assign(name, replacement);
      checked.add(name);
    }
  };
  const beforeEval = async (source: string): Promise<void> => {
    if (source.length > limits.max_length)
      meter.fail(`$eval was given ${source.length} characters of expression; at most ${limits.max_length} are allowed`);
    let ast: jsonata.ExprNode;
    try {
      ast = jsonataOf(source).ast();
    } catch {
      return; // JSONata's $eval reports the syntax error itself.
    }
    await prepare(ast);
  };
  // Operands of deep comparisons, as their sub-expressions gave them.
  const values = new Map<unknown, unknown>();
  // JSONata awaits both callbacks: where the budget is spent, the evaluation waits there (a
  // promise returned) and resumes in a later activation; otherwise they return nothing, so
  // a step costs no promise of ours.
  compiled.assign(Symbol.for('jsonata.__evaluate_entry') as unknown as string, (expr: jsonata.ExprNode) => {
    meter.step(expr.position);
    return meter.pace();
  });
  compiled.assign(
    Symbol.for('jsonata.__evaluate_exit') as unknown as string,
    (
      expr: jsonata.ExprNode & { lhs?: unknown; rhs?: unknown; group?: unknown },
      _input: unknown,
      _env: unknown,
      result: unknown,
    ) => {
      meter.stopped();
      if (expr.type === 'binary' && DEEP_COMPARISONS.has(expr.value as string)) {
        for (const operand of [values.get(expr.lhs), values.get(expr.rhs)]) {
          if (operand !== null && typeof operand === 'object')
            meter.charge(measure(operand, limits.max_value, limits.max_nesting).units);
        }
      }
      values.set(expr, result);
      if (BUILDING.has(expr.type) || expr.group !== undefined) meter.checkValue(result);
      return meter.pace();
    },
  );
  let value: unknown;
  try {
    await prepare(compiled.ast());
    value = await compiled.evaluate(document);
  } catch (err) {
    // The budget's rejection (the run cancelled while the evaluation waited) is not the expression's failure.
    if (meter.interruption) throw meter.interruption.reason;
    return failure('evaluate', meter.overrun ?? err, limits);
  }
  return toJsonValue(value, limits);
}

/** The original built-ins, once per loaded engine: a module-level cache (workflow code has one per run). */
const originalsCache = new Map<string, JsonataFunction>();

/** JSONata's own function values of `names` (and `$fromMillis`, which `$now` and `$millis` use), read by evaluating them. */
async function originalFunctions(
  jsonataOf: JsonataEngine,
  names: readonly string[],
): Promise<ReadonlyMap<string, JsonataFunction>> {
  const missing = [...new Set([...names, 'fromMillis'])].filter((name) => !originalsCache.has(name));
  if (missing.length > 0) {
    const found = (await jsonataOf(`[${missing.map((name) => `$${name}`).join(', ')}]`).evaluate(
      {},
    )) as JsonataFunction[];
    missing.forEach((name, i) => {
      const fn = found[i];
      if (fn !== undefined) originalsCache.set(name, fn);
    });
  }
  return originalsCache;
}

/** What an expression's tree holds that evaluation must prepare for: regex literals and the built-ins it names. */
function usesOf(ast: jsonata.ExprNode): {
  regexes: { literal: RegExp; position: number | undefined }[];
  builtIns: Set<BuiltInName>;
} {
  const regexes: { literal: RegExp; position: number | undefined }[] = [];
  const builtIns = new Set<BuiltInName>();
  const known = new Set<string>(JSONATA_BUILT_INS);
  const seen = new Set<unknown>();
  const visitNode = (node: unknown): void => {
    if (node === null || typeof node !== 'object' || seen.has(node)) return;
    seen.add(node);
    if (node instanceof RegExp) return;
    if (Array.isArray(node)) {
      for (const child of node) visitNode(child);
      return;
    }
    const n = node as { type?: unknown; value?: unknown; position?: number };
    if (n.type === 'regex' && n.value instanceof RegExp) regexes.push({ literal: n.value, position: n.position });
    if (n.type === 'variable' && typeof n.value === 'string' && known.has(n.value))
      builtIns.add(n.value as BuiltInName);
    // A transform clones its input with `$clone`.
    if (n.type === 'transform') builtIns.add('clone');
    for (const [key, child] of Object.entries(n)) if (key !== 'value' || typeof child === 'object') visitNode(child);
  };
  visitNode(ast);
  return { regexes, builtIns };
}

/**
 * JSONata's value as plain JSON (its sequences become arrays, functions are dropped), within
 * the size bound: measured first, so a value that shares its parts many times is never written out.
 */
function toJsonValue(value: unknown, limits: ExpressionLimits): ExpressionResult {
  if (value === undefined) return { ok: true, value: undefined };
  const tooLarge = (): ExpressionResult =>
    failure('result', { message: `its value is larger than ${limits.max_result_bytes} bytes of JSON` }, limits);
  if (jsonLengthWithin(value, limits.max_result_bytes, limits.max_nesting) > limits.max_result_bytes) return tooLarge();
  let text: string | undefined;
  try {
    text = JSON.stringify(value, (_key, v: unknown) => (isFunctionValue(v) ? undefined : v));
  } catch (err) {
    return failure(
      'result',
      { message: `its value cannot be written as JSON (${err instanceof Error ? err.message : String(err)})` },
      limits,
    );
  }
  if (text === undefined) return { ok: true, value: undefined };
  // Characters, not bytes: no TextEncoder in every sandbox, and a character is at least one byte.
  if (text.length > limits.max_result_bytes) return tooLarge();
  return { ok: true, value: JSON.parse(text) as SchemaValue };
}

/** A failure from what was thrown: an overrun, JSONata's error object, or any exception (a RangeError included). */
function failure(stage: ExpressionFailure['stage'], err: unknown, limits: { max_depth: number }): ExpressionFailure {
  let detail: string;
  let code: string | undefined;
  let position: number | undefined;
  if (err instanceof ExpressionOverrun) {
    detail = err.message;
    position = err.position;
  } else if (err instanceof Error) {
    // A RangeError (a string or stack V8 cannot make) says so; our own errors are plain sentences.
    detail = err.name === 'Error' ? err.message : `${err.name}: ${err.message}`;
  } else if (err !== null && typeof err === 'object') {
    const f = err as JsonataFailure;
    code = typeof f.code === 'string' ? f.code : undefined;
    detail = f.message ?? (code !== undefined ? `JSONata error ${code}` : 'the evaluation failed');
    if (code === 'D1011') detail = `it recursed more than ${limits.max_depth} levels deep (${detail})`;
    position = typeof f.position === 'number' ? f.position : undefined;
  } else {
    detail = String(err);
  }
  return {
    ok: false,
    stage,
    message: position !== undefined ? `${detail} (at position ${position})` : detail,
    detail,
    ...(code !== undefined && { code }),
    ...(position !== undefined && { position }),
  };
}
