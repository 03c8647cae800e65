import type * as Re2 from 're2js';

/**
 * Regular expressions written by users (input `pattern`s, JSONata regex literals) run in
 * RE2 (`re2js`, a pure-JS port of RE2/RE2J): matching is linear in the input, so no pattern
 * can backtrack for minutes. RE2 has no backreferences and no lookaround; JavaScript syntax
 * is translated first (`\u0041`, `(?<name>…)`, `\/`). Like JSONata, the module is loaded
 * up front in Node processes (`expression-engine.ts`) and on demand in workflow code, which
 * pays per run for every module it initialises.
 */
type Re2Module = typeof Re2;

let engine: Re2Module | undefined;

/** Makes RE2 available synchronously; `@ordo/core`'s index does it for every Node process. */
export function useRegexEngine(loaded: Re2Module): void {
  engine = loaded;
}

/** Loads RE2 (bundled, not split off: an `eager` import is a resolved promise, deterministic in workflow code). */
export async function loadRegexEngine(): Promise<void> {
  engine ??= await import(/* webpackMode: "eager" */ 're2js');
}

/** Whether RE2 is loaded: workflow code loads it before anything that matches synchronously. */
export function regexEngineLoaded(): boolean {
  return engine !== undefined;
}

/** One sentence on the syntax RE2 takes, for messages and the docs. */
export const REGEX_SYNTAX = 'RE2 syntax (JavaScript regular expressions without backreferences or lookaround)';

/** A compiled pattern, or why RE2 refuses it. */
export type LinearPattern = { ok: true; pattern: Re2.RE2JS } | { ok: false; message: string; detail: string };

/** Flags as JavaScript spells them (`i`, `m`, `s`; others are ignored) turned into RE2's. */
function re2Flags(re2: Re2Module, flags: string): number {
  let bits = 0;
  if (flags.includes('i')) bits |= re2.RE2JS.CASE_INSENSITIVE;
  if (flags.includes('m')) bits |= re2.RE2JS.MULTILINE;
  if (flags.includes('s')) bits |= re2.RE2JS.DOTALL;
  return bits;
}

/** Compiles a JavaScript-syntax pattern with RE2. Throws only when RE2 is not loaded. */
export function compileLinearPattern(source: string, flags = ''): LinearPattern {
  if (engine === undefined)
    throw new Error('RE2 is not loaded: import @ordo/core, or await loadRegexEngine() in workflow code');
  try {
    return { ok: true, pattern: engine.RE2JS.compile(engine.RE2JS.translateRegExp(source), re2Flags(engine, flags)) };
  } catch (err) {
    const detail = err instanceof Error ? err.message.replace(/^error parsing regexp: /, '') : String(err);
    return { ok: false, message: `is not supported by ${REGEX_SYNTAX}: ${detail}`, detail };
  }
}

/** Why RE2 refuses a pattern (RE2's own words), or undefined when it compiles: for save-time checks. */
export function patternProblem(source: string, flags = ''): string | undefined {
  const compiled = compileLinearPattern(source, flags);
  return compiled.ok ? undefined : compiled.detail;
}

/** How a regex search is counted as work: refused before it starts when it may scan more than is left, charged for what it scanned. */
export interface ScanMeter {
  /** Throws when scanning `characters` could overrun what the evaluation has left. */
  afford(characters: number): void;
  /** Counts the characters a search scanned. */
  spend(characters: number): void;
}

/**
 * The `RegexEngine` JSONata 2 takes: it calls `new RegexEngine(literal)` with the regex the
 * parser built (flags `g` plus `i`/`m`), sets `lastIndex`, and calls `exec(str)`, reading
 * `[0]`, `index` and the groups. This class does the same over RE2, counting the
 * characters each search may scan before it scans them (`meter` throws to stop).
 */
export function linearRegexEngine(
  meter: ScanMeter,
): new (literal: RegExp) => { lastIndex: number; exec(input: string): RegExpExecArray | null } {
  return class LinearRegExp {
    lastIndex = 0;
    private readonly pattern: Re2.RE2JS;

    constructor(literal: RegExp) {
      const compiled = compileLinearPattern(literal.source, literal.flags);
      if (!compiled.ok) throw new Error(`the regular expression /${literal.source}/ ${compiled.message}`);
      this.pattern = compiled.pattern;
    }

    exec(input: string): RegExpExecArray | null {
      const start = this.lastIndex;
      if (start > input.length) {
        this.lastIndex = 0;
        return null;
      }
      meter.afford(input.length - start);
      const matcher = this.pattern.matcher(input);
      if (!matcher.find(start)) {
        meter.spend(input.length - start);
        this.lastIndex = 0;
        return null;
      }
      meter.spend(matcher.end() - start);
      const groups: (string | undefined)[] = [];
      for (let i = 0; i <= matcher.groupCount(); i++) groups.push(matcher.group(i) ?? undefined);
      const found = Object.assign(groups, { index: matcher.start(), input }) as unknown as RegExpExecArray;
      this.lastIndex = matcher.end();
      return found;
    }
  };
}
