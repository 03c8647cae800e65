import { isFunctionValue, jsonLengthWithin, measure, type ExpressionMeter } from './expression-meter';

/** A JSONata built-in as the language holds it: its implementation and parsed signature. */
export interface JsonataFunction {
  _jsonata_function: true;
  implementation: (this: unknown, ...args: unknown[]) => unknown;
  signature?: unknown;
}

/** `this` inside a built-in: the evaluation's focus. */
type Focus = unknown;

/**
 * Every JSONata 2.2 built-in, so each one an expression names is replaced by a checked
 * one: it counts the size of its arguments as work (JSONata's string and list functions
 * take time in proportion to it), refuses before it starts what would build a value over
 * the limits, and calls JSONata's own function, so results are JSONata's exactly.
 */
export const JSONATA_BUILT_INS = [
  'sum',
  'count',
  'max',
  'min',
  'average',
  'string',
  'substring',
  'substringBefore',
  'substringAfter',
  'lowercase',
  'uppercase',
  'length',
  'trim',
  'pad',
  'match',
  'contains',
  'replace',
  'split',
  'join',
  'formatNumber',
  'formatBase',
  'formatInteger',
  'parseInteger',
  'number',
  'floor',
  'ceil',
  'round',
  'abs',
  'sqrt',
  'power',
  'random',
  'boolean',
  'not',
  'map',
  'zip',
  'filter',
  'single',
  'reduce',
  'sift',
  'keys',
  'lookup',
  'append',
  'exists',
  'spread',
  'merge',
  'reverse',
  'each',
  'error',
  'assert',
  'type',
  'sort',
  'shuffle',
  'distinct',
  'base64encode',
  'base64decode',
  'encodeUrlComponent',
  'encodeUrl',
  'decodeUrlComponent',
  'decodeUrl',
  'eval',
  'toMillis',
  'fromMillis',
  'clone',
  'now',
  'millis',
] as const;
export type BuiltInName = (typeof JSONATA_BUILT_INS)[number];

/** What a checked built-in needs besides the meter: the originals, and how `$eval` prepares text it is given. */
export interface CheckedContext {
  meter: ExpressionMeter;
  originals: ReadonlyMap<string, JsonataFunction>;
  /** The evaluation's time, for `$now()` and `$millis()` (JSONata's own are bound per compiled expression). */
  timestamp: number;
  /** Runs before `$eval` parses `text`: its length is checked, and anything it needs loaded (RE2) is. */
  beforeEval: (text: string) => Promise<void>;
}

/** The size of an argument that a function reads through once: a string's characters, a list's items, an object's keys. */
function shallowSize(value: unknown): number {
  if (typeof value === 'string') return value.length;
  if (Array.isArray(value)) return value.length;
  if (value !== null && typeof value === 'object' && !isFunctionValue(value)) return Object.keys(value).length;
  return 0;
}

/** JSONata's width and count arguments are numbers; anything else is left for its own checks. */
const asNumber = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? value : undefined;

/**
 * The checked replacement of built-in `name`, or undefined when the original is missing.
 * Each counts its arguments' size first; the ones that can build a value much larger than
 * their arguments check its size before building it.
 */
export function checkedFunction(name: BuiltInName, ctx: CheckedContext): JsonataFunction | undefined {
  const original = ctx.originals.get(name);
  // `$now()` and `$millis()` are JSONata's `$fromMillis` at the evaluation's time.
  const implementer = name === 'now' || name === 'millis' ? ctx.originals.get('fromMillis') : original;
  if (original === undefined || implementer === undefined) return undefined;
  const { meter } = ctx;
  const { limits } = meter;
  const call = (focus: Focus, args: unknown[]): unknown => implementer.implementation.apply(focus, args);
  const tooLong = (what: string, length: number): never =>
    meter.fail(`${what} would build a string of ${length} characters; at most ${limits.max_string} are allowed`);
  const cappedCount = (limit: unknown): number =>
    Math.min(asNumber(limit) ?? Number.POSITIVE_INFINITY, limits.max_array + 1);
  const listTooLong = (what: string, list: unknown): unknown => {
    if (Array.isArray(list) && list.length > limits.max_array)
      meter.fail(`${what} would build a list of more than ${limits.max_array} items`);
    return list;
  };

  let implementation: (this: Focus, ...args: unknown[]) => unknown;
  // Only the functions that need more than the default; the rest share it.
  switch (name as string) {
    case 'pad':
      implementation = function (this: Focus, str, width, char) {
        const w = Math.abs(Math.trunc(asNumber(width) ?? 0));
        // JSONata builds the padding as `width` copies of `char`, then cuts it.
        const built = w * Math.max(1, typeof char === 'string' ? char.length : 1);
        if (built > limits.max_string) tooLong('$pad', built);
        meter.charge(shallowSize(str) + built);
        return call(this, [str, width, char]);
      };
      break;
    case 'join':
      implementation = function (this: Focus, strs, separator) {
        if (Array.isArray(strs)) {
          const sep = typeof separator === 'string' ? separator.length : 0;
          let length = Math.max(0, strs.length - 1) * sep;
          for (const s of strs) length += typeof s === 'string' ? s.length : 0;
          if (length > limits.max_string) tooLong('$join', length);
          meter.charge(strs.length + length);
        }
        return call(this, [strs, separator]);
      };
      break;
    case 'string':
    case 'clone':
      implementation = function (this: Focus, arg, prettify) {
        if (typeof arg !== 'string' || name === 'clone') {
          const length = jsonLengthWithin(arg, limits.max_string, limits.max_nesting, prettify === true ? 2 : 0);
          meter.charge(length);
          if (length > limits.max_string)
            meter.fail(
              `$${name} would build a string of more than ${limits.max_string} characters (or a value nested more than ${limits.max_nesting} levels deep)`,
            );
        }
        return call(this, name === 'clone' ? [arg] : [arg, prettify]);
      };
      break;
    case 'replace':
      implementation = function (this: Focus, str, pattern, replacement, limit) {
        meter.charge(shallowSize(str));
        return replaceChecked.call(this, meter, str, pattern, replacement, limit);
      };
      break;
    case 'split':
    case 'match':
      // Both stop after `limit` results: asking for one more than allowed finds out without building more.
      implementation = async function (this: Focus, str, pattern, limit) {
        meter.charge(shallowSize(str));
        if (limit !== undefined && asNumber(limit) === undefined) return call(this, [str, pattern, limit]);
        const capped = cappedCount(limit);
        return listTooLong(`$${name}`, await call(this, [str, pattern, Number.isFinite(capped) ? capped : undefined]));
      };
      break;
    case 'distinct':
      implementation = function (this: Focus, arr) {
        // Each item is compared with every distinct one kept before it.
        if (Array.isArray(arr))
          meter.affordUnits(arr.length * measure(arr, limits.max_value, limits.max_nesting).units, '$distinct');
        meter.charge(shallowSize(arr));
        return call(this, [arr]);
      };
      break;
    case 'sort':
      implementation = function (this: Focus, arr, comparator) {
        if (Array.isArray(arr)) meter.charge(arr.length * Math.ceil(Math.log2(arr.length + 1)));
        return call(this, [arr, comparator]);
      };
      break;
    case 'eval':
      implementation = async function (this: Focus, text, focus) {
        if (typeof text === 'string') await ctx.beforeEval(text);
        return call(this, [text, focus]);
      };
      break;
    case 'fromMillis':
    case 'now':
    case 'millis':
      implementation = function (this: Focus, ...args: unknown[]) {
        if (name === 'millis') return ctx.timestamp;
        const [millis, picture, timezone] = name === 'now' ? [ctx.timestamp, ...args] : args;
        if (typeof picture === 'string') {
          // A width modifier ([Y,*-1000000]) pads a component to that width: the widths together bound the text.
          let widths = picture.length;
          for (const digits of picture.match(/\d+/g) ?? []) widths += Number(digits);
          if (widths > limits.max_string) tooLong(`$${name}`, widths);
          meter.charge(widths);
        }
        return call(this, [millis, picture, timezone]);
      };
      break;
    case 'toMillis':
      implementation = function (this: Focus, timestamp, picture) {
        // JSONata matches a picture with a JavaScript regex of one unbounded group per component:
        // adjacent components on a long text backtrack polynomially, so both are kept short.
        if (typeof picture === 'string') {
          if (typeof timestamp === 'string' && timestamp.length > 64)
            meter.fail(`$toMillis with a picture reads at most 64 characters, not ${timestamp.length}`);
          if (/(\[[^\]]*\]){4}/.test(picture))
            meter.fail('$toMillis takes pictures with at most three components in a row without text between them');
        }
        meter.charge(shallowSize(timestamp) + shallowSize(picture));
        return call(this, [timestamp, picture]);
      };
      break;
    default:
      implementation = function (this: Focus, ...args: unknown[]) {
        for (const arg of args) meter.charge(shallowSize(arg));
        return call(this, args);
      };
  }
  return { ...original, implementation };
}

/** How `$replace` reports a match (JSONata's matcher structure). */
interface Match {
  match: string;
  start: number;
  end: number;
  groups: (string | undefined)[];
  next: () => Match | undefined | Promise<Match | undefined>;
}

/**
 * JSONata's `$replace` (jsonata 2.2.2, MIT), the same algorithm, keeping count of the
 * length it builds so it stops before passing the string limit: a short replacement
 * repeated for every character, or `$0` repeated in it, multiplies a string's length.
 */
async function replaceChecked(
  this: unknown,
  meter: ExpressionMeter,
  str: unknown,
  pattern: unknown,
  replacement: unknown,
  limit: unknown,
): Promise<unknown> {
  if (typeof str === 'undefined') return undefined;
  if (typeof str !== 'string') return str;
  if (pattern === '') throw jsonataError({ code: 'D3010', value: pattern, index: 2 });
  if (typeof limit === 'number' && limit < 0) throw jsonataError({ code: 'D3011', value: limit, index: 4 });
  const max = meter.limits.max_string;
  let length = 0;
  const parts: string[] = [];
  const add = (text: string): void => {
    length += text.length;
    if (length > max) meter.fail(`$replace would build a string of more than ${max} characters`);
    parts.push(text);
  };
  const replacer =
    typeof replacement === 'string'
      ? (m: Match): string => substitute(replacement, m, max, meter)
      : (m: Match): unknown => (replacement as { apply: (self: unknown, args: unknown[]) => unknown }).apply(this, [m]);
  const within = (count: number): boolean => typeof limit !== 'number' || count < limit;
  if (typeof limit === 'number' && limit === 0) return str;
  let position = 0;
  let count = 0;
  if (typeof pattern === 'string') {
    const literal = typeof replacement === 'string' ? replacement : '';
    let index = str.indexOf(pattern, position);
    while (index !== -1 && within(count)) {
      add(str.substring(position, index));
      add(literal);
      position = index + pattern.length;
      count++;
      index = str.indexOf(pattern, position);
    }
    add(str.substring(position));
    return parts.join('');
  }
  let found = await matchOf(this, pattern, str);
  if (found === undefined) return str;
  while (found !== undefined && within(count)) {
    add(str.substring(position, found.start));
    let replaced = replacer(found);
    if (replaced instanceof Promise) replaced = await (replaced as Promise<unknown>);
    if (typeof replaced !== 'string') throw jsonataError({ code: 'D3012', value: replaced });
    add(replaced);
    position = found.start + found.match.length;
    count++;
    found = await matchOf(this, found.next, undefined);
  }
  add(str.substring(position));
  return parts.join('');
}

/** JSONata reports errors as plain objects with a `code` (it writes their message from it): thrown as JSONata throws them. */
function jsonataError(fields: { code: string; value?: unknown; index?: number }): Error {
  return Object.assign(Object.create(null) as Error, fields, { stack: new Error().stack });
}

/** Calls a matcher (a regex, or a function returning JSONata's match structure) as JSONata's `evaluateMatcher` does. */
async function matchOf(focus: unknown, matcher: unknown, str: string | undefined): Promise<Match | undefined> {
  let result = (matcher as { apply: (self: unknown, args: unknown[]) => unknown }).apply(
    focus,
    str === undefined ? [] : [str],
  );
  if (result instanceof Promise) result = await (result as Promise<unknown>);
  const m = result as Match | undefined;
  if (m && !(typeof m.start === 'number' || Array.isArray(m.groups) || typeof m.next === 'function'))
    throw jsonataError({ code: 'T1010' });
  return m ?? undefined;
}

/** A string replacement's text for one match: `$0` the match, `$n` the nth group, `$$` a dollar (JSONata's rules). */
function substitute(replacement: string, m: Match, max: number, meter: ExpressionMeter): string {
  let out = '';
  const grow = (text: string): void => {
    if (out.length + text.length > max) meter.fail(`$replace would build a string of more than ${max} characters`);
    out += text;
  };
  let position = 0;
  let index = replacement.indexOf('$', position);
  while (index !== -1 && position < replacement.length) {
    grow(replacement.substring(position, index));
    position = index + 1;
    const next = replacement.charAt(position);
    if (next === '$') {
      grow('$');
      position++;
    } else if (next === '0') {
      grow(m.match);
      position++;
    } else {
      const maxDigits = m.groups.length === 0 ? 1 : Math.floor(Math.log(m.groups.length) * Math.LOG10E) + 1;
      let group = parseInt(replacement.substring(position, position + maxDigits), 10);
      if (maxDigits > 1 && group > m.groups.length)
        group = parseInt(replacement.substring(position, position + maxDigits - 1), 10);
      if (!Number.isNaN(group)) {
        if (m.groups.length > 0) grow(m.groups[group - 1] ?? '');
        position += group.toString().length;
      } else {
        grow('$');
      }
    }
    index = replacement.indexOf('$', position);
  }
  return out + replacement.substring(position);
}
