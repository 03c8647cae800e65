import type { ToolOutputs, ToolParams } from '../schemas/activity-contract';
import { evaluateExpression, parseExpression, type ExpressionResult } from './expressions';
import type { SchemaValue } from '../schemas/schema-value';

/**
 * Value sources: what a mapping value (`parameter_mappings`, `input_mappings`, a policy)
 * may be. Any JSON value, read as:
 * - `{ "const": v }`: the value `v`, verbatim (also the way to write a literal that would
 *   otherwise read as one of these forms);
 * - `{ "var": "name" }`: the job variable `name`;
 * - `{ "expr": "…" }`: a JSONata expression over the job's variables, `__context__`,
 *   `__steps__` and `__each__` (see `expressions.ts`);
 * - a string naming a declared variable: that variable (seed 002's implicit form, docs/contract.md);
 * - an object or array: each member resolved the same way (so providers nest);
 * - anything else: itself.
 * A source that has no value (an unset variable, an expression giving nothing) is absent:
 * a parameter is left out, an object member dropped, an array element null.
 */
export type ValueProvider =
  { kind: 'const'; value: SchemaValue } | { kind: 'var'; name: string } | { kind: 'expr'; text: string };

/** The provider an object stands for, when it is exactly `{const}`, `{var: string}` or `{expr: string}`. */
export function providerOf(source: SchemaValue): ValueProvider | undefined {
  if (source === null || typeof source !== 'object' || Array.isArray(source)) return undefined;
  const keys = Object.keys(source);
  if (keys.length !== 1) return undefined;
  if ('const' in source) return { kind: 'const', value: source.const ?? null };
  if ('var' in source && typeof source.var === 'string') return { kind: 'var', name: source.var };
  if ('expr' in source && typeof source.expr === 'string') return { kind: 'expr', text: source.expr };
  return undefined;
}

/** Evaluates expressions against one document, each result at its text's index. */
export type ExpressionEvaluator = (
  texts: readonly string[],
  document: Readonly<Record<string, unknown>>,
) => Promise<ExpressionResult[]>;

/** Each expression evaluated on its own with the default bounds: for callers outside a run. */
export const evaluateEach: ExpressionEvaluator = (texts, document) =>
  Promise.all(texts.map((text) => evaluateExpression(text, document)));

/** What resolving a source needs: the variables, which names are variables, and the expression document. */
export interface ValueScope {
  variables: Readonly<Record<string, SchemaValue>>;
  declared: ReadonlySet<string>;
  /** The document expressions read; built on first use (it may hold every step's record). */
  document(): Readonly<Record<string, unknown>>;
  /** How expressions are evaluated: the job workflow paces them (`workflows/expression-pacer.ts`); `evaluateEach` when absent. */
  evaluate?: ExpressionEvaluator;
}

/** A resolved source, or the expression that failed and why (`path` locates it inside the source). */
export type ResolvedValue =
  | { ok: true; value: SchemaValue | undefined }
  | { ok: false; path: (string | number)[]; expression: string; message: string };

/** Each expression a source holds, evaluated: the source resolves without waiting once they are. */
type Evaluated = ReadonlyMap<string, ExpressionResult>;

/**
 * Resolves one value source (see `ValueProvider`). A source with no expression resolves at
 * once, with no promise: workflow code pays for every promise (the SDK tracks each).
 */
export function resolveValue(
  source: SchemaValue,
  scope: ValueScope,
  path: (string | number)[] = [],
): ResolvedValue | Promise<ResolvedValue> {
  return withEvaluated(expressionsIn(source, new Set()), scope, (evaluated) =>
    resolveWith(source, scope, evaluated, path),
  );
}

/** A step's resolved mappings, or the one that failed. */
export type ResolvedMappings =
  | { ok: true; values: ToolParams }
  | { ok: false; name: string; path: (string | number)[]; expression: string; message: string };

/**
 * Resolves a mapping object (`parameter_mappings`, `input_mappings`) member by member,
 * leaving out the members that have no value; at once when it holds no expression.
 */
export function resolveMappings(
  mappings: Readonly<Record<string, SchemaValue>>,
  scope: ValueScope,
): ResolvedMappings | Promise<ResolvedMappings> {
  const texts = new Set<string>();
  for (const source of Object.values(mappings)) expressionsIn(source, texts);
  return withEvaluated(texts, scope, (evaluated) => {
    const values: ToolParams = {};
    for (const [name, source] of Object.entries(mappings)) {
      const resolved = resolveWith(source, scope, evaluated, [name]);
      if (!resolved.ok)
        return { ok: false, name, path: resolved.path, expression: resolved.expression, message: resolved.message };
      if (resolved.value !== undefined) values[name] = resolved.value;
    }
    return { ok: true, values };
  });
}

/** Runs `then` once the expressions `texts` are evaluated: at once when there are none. */
function withEvaluated<T>(
  texts: ReadonlySet<string>,
  scope: ValueScope,
  then: (evaluated: Evaluated) => T,
): T | Promise<T> {
  if (texts.size === 0) return then(new Map());
  const list = [...texts];
  return (scope.evaluate ?? evaluateEach)(list, scope.document()).then((results) =>
    then(new Map(list.map((text, i) => [text, results[i] as ExpressionResult]))),
  );
}

/** Adds the text of every `{expr}` in `source` to `into`. */
function expressionsIn(source: SchemaValue, into: Set<string>): Set<string> {
  const provider = providerOf(source);
  if (provider) {
    if (provider.kind === 'expr') into.add(provider.text);
  } else if (Array.isArray(source)) {
    for (const item of source) expressionsIn(item, into);
  } else if (source !== null && typeof source === 'object') {
    for (const member of Object.values(source)) expressionsIn(member, into);
  }
  return into;
}

function resolveWith(
  source: SchemaValue,
  scope: ValueScope,
  evaluated: Evaluated,
  path: (string | number)[],
): ResolvedValue {
  const provider = providerOf(source);
  if (provider) {
    switch (provider.kind) {
      case 'const':
        return { ok: true, value: provider.value };
      case 'var':
        return { ok: true, value: scope.variables[provider.name] };
      case 'expr': {
        const result = evaluated.get(provider.text);
        if (result === undefined) throw new Error(`expression '${provider.text}' was not evaluated`);
        return result.ok ? result : { ok: false, path, expression: provider.text, message: result.message };
      }
    }
  }
  if (typeof source === 'string')
    return { ok: true, value: scope.declared.has(source) ? scope.variables[source] : source };
  if (Array.isArray(source)) {
    const items: SchemaValue[] = [];
    for (const [i, item] of source.entries()) {
      const resolved = resolveWith(item, scope, evaluated, [...path, i]);
      if (!resolved.ok) return resolved;
      items.push(resolved.value ?? null);
    }
    return { ok: true, value: items };
  }
  if (source !== null && typeof source === 'object') {
    const members: Record<string, SchemaValue> = {};
    for (const [key, member] of Object.entries(source)) {
      const resolved = resolveWith(member, scope, evaluated, [...path, key]);
      if (!resolved.ok) return resolved;
      if (resolved.value !== undefined) members[key] = resolved.value;
    }
    return { ok: true, value: members };
  }
  return { ok: true, value: source };
}

/** A variable a source reads, or an expression it holds, with its path inside the source. */
export interface SourceUse {
  path: (string | number)[];
  /** A variable read (by name, `{var}`, or at the top level of an expression). */
  variable?: string;
  /** An expression's text, with its parse failure when it does not parse. */
  expression?: { text: string; error?: { message: string; position?: number } };
}

/** Every variable a source reads and every expression it holds: for ordering rules, the output rule and parse checks. */
export function sourceUses(
  source: SchemaValue,
  declared: ReadonlySet<string>,
  path: (string | number)[] = [],
): SourceUse[] {
  const provider = providerOf(source);
  if (provider) {
    switch (provider.kind) {
      case 'const':
        return [];
      case 'var':
        return [{ path, variable: provider.name }];
      case 'expr': {
        const parsed = parseExpression(provider.text);
        if (!parsed.ok) {
          return [
            {
              path,
              expression: {
                text: provider.text,
                error: { message: parsed.message, ...(parsed.position !== undefined && { position: parsed.position }) },
              },
            },
          ];
        }
        return [
          { path, expression: { text: provider.text } },
          ...parsed.names.filter((n) => declared.has(n)).map((variable) => ({ path, variable })),
        ];
      }
    }
  }
  if (typeof source === 'string') return declared.has(source) ? [{ path, variable: source }] : [];
  if (Array.isArray(source)) return source.flatMap((item, i) => sourceUses(item, declared, [...path, i]));
  if (source !== null && typeof source === 'object')
    return Object.entries(source).flatMap(([key, member]) => sourceUses(member, declared, [...path, key]));
  return [];
}

/** The value of a source that reads nothing and holds no expression (a literal, `{const}`, or objects of them). */
export function literalValueOf(source: SchemaValue, declared: ReadonlySet<string>): { value: SchemaValue } | undefined {
  if (sourceUses(source, declared).length > 0) return undefined;
  const provider = providerOf(source);
  if (provider?.kind === 'const') return { value: provider.value };
  if (Array.isArray(source)) return { value: source.map((item) => literalValueOf(item, declared)?.value ?? null) };
  if (source !== null && typeof source === 'object' && !provider) {
    return {
      value: Object.fromEntries(
        Object.entries(source).map(([k, v]) => [k, literalValueOf(v, declared)?.value ?? null]),
      ),
    };
  }
  return { value: source };
}

export type OutputMappingResult = { ok: true; written: Record<string, SchemaValue> } | { ok: false; missing: string[] };

/** Reads a tool's outputs into job variables by `output_mappings` (tool output → variable). */
export function applyOutputMappings(
  mappings: Readonly<Record<string, string>>,
  outputs: ToolOutputs,
): OutputMappingResult {
  const written: Record<string, SchemaValue> = {};
  const missing: string[] = [];
  for (const [output, variable] of Object.entries(mappings)) {
    const value = outputs[output];
    if (value === undefined) missing.push(output);
    else written[variable] = value;
  }
  return missing.length > 0 ? { ok: false, missing } : { ok: true, written };
}
