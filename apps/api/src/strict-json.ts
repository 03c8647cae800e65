import { visit } from 'jsonc-parser';
import type { FieldError } from './problem';
import { hasLoneSurrogate } from './unicode';

/** How deep a JSON body may nest: far beyond any Ordo document, far below what overflows the stack. */
export const MAX_JSON_DEPTH = 64;

/** At most this many field errors are reported for one body: enough to fix it, never a huge answer. */
const MAX_REPORTED = 20;

/**
 * Why a JSON text was refused: it is not JSON (`NOT_JSON`, a 400), it nests deeper than
 * {@link MAX_JSON_DEPTH} (`TOO_DEEP`), or it is JSON that Ordo does not take (`NOT_ACCEPTED`,
 * each offending member named by its path).
 */
export type StrictJsonError = { code: 'NOT_JSON' | 'TOO_DEEP' | 'NOT_ACCEPTED'; detail: string; errors: FieldError[] };
export type StrictJsonResult = { ok: true; value: unknown } | ({ ok: false } & StrictJsonError);

/**
 * Parses a request body as I-JSON (RFC 7493), the JSON every part of Ordo reads the same
 * way, so that what is stored is what was sent, identically on SQLite and PostgreSQL:
 *
 * - no member name twice in one object (`JSON.parse` would keep the last one silently);
 * - every number finite (`1e400` would become `Infinity`, then `null` when stored);
 * - no lone surrogates (`"\ud800"`), which each database stores differently;
 * - no U+0000, which PostgreSQL's text cannot hold at all;
 * - no member named `__proto__`, which JavaScript objects downstream turn into a prototype.
 *
 * The nesting depth is counted before parsing, so a body of 100,000 brackets costs one pass
 * over its text. Invalid UTF-8 never gets here: the body is decoded strictly first.
 */
export function parseStrictJson(text: string): StrictJsonResult {
  const { depth, members } = scanJson(text);
  if (depth > MAX_JSON_DEPTH) {
    return fail('TOO_DEEP', `the JSON body nests ${depth} levels deep; at most ${MAX_JSON_DEPTH} are accepted`, [
      { field: '(body)', message: `must nest at most ${MAX_JSON_DEPTH} levels deep` },
    ]);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return fail('NOT_JSON', `the body is not valid JSON: ${(err as Error).message}`, [
      { field: '(body)', message: 'must be valid JSON' },
    ]);
  }
  const errors: FieldError[] = [];
  const names = checkValue(value, [], errors);
  // Every `:` outside a string separates a member in valid JSON: fewer names in the parsed
  // value than in the text means some object named one twice. Finding which takes a second,
  // slower pass, made only then.
  if (names !== members && errors.length < MAX_REPORTED) errors.push(...duplicateMembers(text));
  if (errors.length > 0) {
    const shown = errors.slice(0, MAX_REPORTED);
    return fail('NOT_ACCEPTED', shown.map((e) => `${e.field}: ${e.message}`).join('; '), shown);
  }
  return { ok: true, value };
}

function fail(code: StrictJsonError['code'], detail: string, errors: FieldError[]): StrictJsonResult {
  return { ok: false, code, detail, errors };
}

/** A field path as problems name it: `steps.0.tool.tool_id`, `(body)` for the whole body. */
function fieldOf(path: readonly (string | number)[]): string {
  return path.length === 0 ? '(body)' : path.join('.');
}

/** Checks every string, number and member name; answers how many member names the value has. */
function checkValue(value: unknown, path: (string | number)[], errors: FieldError[]): number {
  if (errors.length >= MAX_REPORTED) return 0;
  if (typeof value === 'string') {
    const problem = stringProblem(value);
    if (problem) errors.push({ field: fieldOf(path), message: problem });
    return 0;
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value))
      errors.push({ field: fieldOf(path), message: 'must be a finite number (at most about ±1.8e308)' });
    return 0;
  }
  if (Array.isArray(value))
    return value.reduce((sum: number, item, i) => sum + checkValue(item, [...path, i], errors), 0);
  if (value === null || typeof value !== 'object') return 0;
  let names = 0;
  for (const [key, item] of Object.entries(value)) {
    names++;
    const at = [...path, key];
    const problem = key === '__proto__' ? 'is not accepted as a member name' : stringProblem(key);
    if (problem)
      errors.push({ field: fieldOf(at), message: key === '__proto__' ? problem : `as a member name, ${problem}` });
    names += checkValue(item, at, errors);
  }
  return names;
}

/** Lone surrogates and NUL, the characters the databases cannot store alike. */
function stringProblem(value: string): string | undefined {
  if (value.includes('\u0000')) return 'must not contain U+0000 (NUL)';
  if (hasLoneSurrogate(value))
    return 'must be valid Unicode: it holds a lone surrogate (an unpaired \\ud800–\\udfff escape)';
  return undefined;
}

/** Each member named twice in its object, by path (the text is known to be valid JSON). */
function duplicateMembers(text: string): FieldError[] {
  const seen: Set<string>[] = [];
  const errors: FieldError[] = [];
  visit(text, {
    onObjectBegin: () => void seen.push(new Set()),
    onObjectEnd: () => void seen.pop(),
    onObjectProperty: (name, _offset, _length, _line, _column, pathSupplier) => {
      const names = seen[seen.length - 1];
      if (!names) return;
      if (names.has(name) && errors.length < MAX_REPORTED)
        errors.push({ field: fieldOf([...pathSupplier(), name]), message: 'must appear only once in its object' });
      names.add(name);
    },
  });
  return errors;
}

/**
 * One pass over JSON text: the deepest nesting of arrays and objects, and how many `:`
 * (member separators) stand outside strings.
 */
export function scanJson(text: string): { depth: number; members: number } {
  let depth = 0;
  let max = 0;
  let members = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 0x5c)
        i++; // a backslash escapes the next character
      else if (ch === 0x22) inString = false;
    } else if (ch === 0x22) {
      inString = true;
    } else if (ch === 0x7b || ch === 0x5b) {
      depth++;
      if (depth > max) max = depth;
    } else if (ch === 0x7d || ch === 0x5d) {
      depth--;
    } else if (ch === 0x3a) {
      members++;
    }
  }
  return { depth: max, members };
}
