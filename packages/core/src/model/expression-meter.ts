import type { ScanMeter } from './linear-regex';

/** The bounds of one evaluation (see `EXPRESSION_LIMITS` in `expressions.ts` for the job workflow's). */
export interface ExpressionLimits {
  /** Longest expression text, and longest text `$eval` may parse. */
  max_length: number;
  /** Evaluation steps: sub-expressions entered, plus the work counted by size (see `UNITS_PER_STEP`). */
  max_steps: number;
  /** Deepest nesting of evaluation (recursion), far below what overflows the stack. */
  max_depth: number;
  /** Longest sequence JSONata may build (its own `sequence` bound, which also bounds ranges). */
  max_sequence: number;
  /** Longest string any sub-expression may build, in characters. */
  max_string: number;
  /** Longest list any sub-expression may build. */
  max_array: number;
  /** Largest value any sub-expression may build: characters of its strings and keys plus its members, shared parts counted each time they appear. */
  max_value: number;
  /** Deepest nesting of objects and lists in a value. */
  max_nesting: number;
  /** Largest result, in characters of its JSON text. */
  max_result_bytes: number;
}

/**
 * Characters (or members) of values built, walked or compared that count as one evaluation
 * step. Measured in the workflow sandbox: a step costs about 300 µs there (the SDK records
 * a stack trace for each of the promises JSONata makes), and JSONata's string and list
 * functions take about 0.15 µs a character; so a thousand characters cost about a step.
 */
export const UNITS_PER_STEP = 1_000;
/** Characters an RE2 search scans that count as one step (it takes about 0.4 µs a character with groups). */
export const SCANNED_PER_STEP = 500;

/** A bound an evaluation ran into: it ends the evaluation, whatever JSONata does with the error. */
export class ExpressionOverrun extends Error {
  constructor(
    message: string,
    readonly position?: number,
  ) {
    super(message);
    this.name = 'ExpressionOverrun';
  }
}

/**
 * Where evaluations draw their steps from, across evaluations: the job workflow's pacer
 * (`workflows/expression-pacer.ts`), which lets each workflow activation spend only so
 * many. Node callers (the API, `json_transform`) have none.
 */
export interface StepBudget {
  /**
   * Takes `steps` more steps. Undefined: go on at once. A promise: the evaluation waits for
   * it before its next step (a durable timer: it resumes in a later activation); should it
   * reject (the run cancelled meanwhile), the evaluation ends with that rejection as it is,
   * not as a failure of the expression. Throwing an `ExpressionOverrun` fails the
   * evaluation with its message (a bound the budget keeps across evaluations).
   */
  draw(steps: number): Promise<void> | undefined;
}

/**
 * Counts one evaluation's work against its limits: the steps JSONata enters, the size of
 * the values sub-expressions build (walked, bounded, on their way out), the characters
 * regexes scan. The first overrun is kept: JSONata wraps errors in some places (`$eval`),
 * so the evaluation reports the overrun itself, and every later step throws it again.
 * The same goes for the budget's rejection (`interruption`).
 */
export class ExpressionMeter implements ScanMeter {
  private steps = 0;
  /** Units counted but not yet a whole step. */
  private units = 0;
  /** Steps already drawn from the budget. */
  private drawn = 0;
  /** Where the evaluation is (the position of the last sub-expression entered), for messages. */
  position: number | undefined;
  overrun: ExpressionOverrun | undefined;
  /** Why the budget's wait rejected (a cancellation): the evaluation ends with it, rethrown as it is. */
  interruption: { reason: unknown } | undefined;

  constructor(
    readonly limits: ExpressionLimits,
    private readonly budget?: StepBudget,
  ) {}

  /** Ends the evaluation with `message`. */
  fail(message: string): never {
    this.overrun ??= new ExpressionOverrun(message, this.position);
    throw this.overrun;
  }

  /** One sub-expression entered. */
  step(position: number | undefined): void {
    this.stopped();
    this.position = position;
    this.steps++;
    this.check();
  }

  /** Throws what ended the evaluation, if anything has: every later step stops with it. */
  stopped(): void {
    if (this.interruption) throw this.interruption.reason;
    if (this.overrun) throw this.overrun;
  }

  /**
   * Draws the steps taken since the last draw (entries and work alike) from the budget, at
   * a point where JSONata awaits (entering or leaving a sub-expression): undefined to go
   * on, or the budget's promise to wait for first. Without a budget, always undefined.
   */
  pace(): Promise<void> | undefined {
    if (this.budget === undefined || this.steps === this.drawn) return undefined;
    const steps = this.steps - this.drawn;
    this.drawn = this.steps;
    let wait: Promise<void> | undefined;
    try {
      wait = this.budget.draw(steps);
    } catch (err) {
      if (err instanceof ExpressionOverrun) this.fail(err.message);
      throw err;
    }
    return wait?.catch((reason: unknown) => {
      this.interruption ??= { reason };
      throw reason;
    });
  }

  /** Counts `units` characters or members of work. */
  charge(units: number): void {
    this.units += units;
    if (this.units < UNITS_PER_STEP) return;
    this.steps += Math.floor(this.units / UNITS_PER_STEP);
    this.units %= UNITS_PER_STEP;
    this.check();
  }

  /** Throws, before the work, when `units` more would overrun the steps left. */
  affordUnits(units: number, what: string): void {
    if (this.steps + units / UNITS_PER_STEP > this.limits.max_steps)
      this.fail(`${what} would take more than the ${this.limits.max_steps} evaluation steps allowed`);
  }

  afford(characters: number): void {
    if (this.steps + characters / SCANNED_PER_STEP > this.limits.max_steps) {
      this.fail(
        `a regular expression would scan ${characters} characters, more than the ${this.limits.max_steps} evaluation steps allowed can pay for`,
      );
    }
  }

  spend(characters: number): void {
    this.charge((characters * UNITS_PER_STEP) / SCANNED_PER_STEP);
  }

  private check(): void {
    if (this.steps > this.limits.max_steps)
      this.fail(
        `it took more than ${this.limits.max_steps} evaluation steps (sub-expressions evaluated; values built count one step per ${UNITS_PER_STEP} characters or items; a json_transform step takes larger transforms)`,
      );
  }

  /**
   * Checks a value a sub-expression built against the size limits, walking it no further
   * than the limit allows, and counts the walk as work.
   */
  checkValue(value: unknown): void {
    if (typeof value === 'string') {
      if (value.length > this.limits.max_string)
        this.fail(`it built a string of more than ${this.limits.max_string} characters`);
      this.charge(value.length);
      return;
    }
    if (value === null || typeof value !== 'object') return;
    if (Array.isArray(value) && value.length > this.limits.max_array)
      this.fail(`it built a list of more than ${this.limits.max_array} items`);
    const size = measure(value, this.limits.max_value, this.limits.max_nesting);
    this.charge(size.units);
    if (size.nested) this.fail(`it built a value nested more than ${this.limits.max_nesting} levels deep`);
    if (size.units > this.limits.max_value)
      this.fail(`it built a value of more than ${this.limits.max_value} characters and members`);
  }
}

/** A JSONata function value (a lambda, a built-in, a regex matcher): it holds its environment, never walked. */
export function isFunctionValue(value: unknown): boolean {
  if (typeof value === 'function') return true;
  return typeof value === 'object' && value !== null && ('_jsonata_lambda' in value || '_jsonata_function' in value);
}

/**
 * The size of a value: characters of its strings and keys, plus one per member, shared
 * parts counted each time they appear (as JSON would write them). The walk stops once the
 * count passes `limit` or the nesting passes `nesting`, so it costs at most `limit` units,
 * whatever the value (a structure that holds itself included).
 */
export function measure(value: unknown, limit: number, nesting: number): { units: number; nested: boolean } {
  let units = 0;
  let nested = false;
  const walk = (v: unknown, depth: number): void => {
    if (units > limit || nested) return;
    if (typeof v === 'string') {
      units += v.length + 1;
      return;
    }
    if (v === null || typeof v !== 'object' || isFunctionValue(v)) {
      units += 1;
      return;
    }
    if (depth >= nesting) {
      nested = true;
      return;
    }
    units += 1;
    if (Array.isArray(v)) {
      for (const item of v) {
        walk(item, depth + 1);
        if (units > limit || nested) return;
      }
      return;
    }
    for (const key in v) {
      if (!Object.prototype.hasOwnProperty.call(v, key)) continue;
      units += key.length + 1;
      walk((v as Record<string, unknown>)[key], depth + 1);
      if (units > limit || nested) return;
    }
  };
  walk(value, 0);
  return { units, nested };
}

/**
 * An upper bound of the length of a value's JSON text (JSONata's `$string`: numbers to 15
 * significant digits, functions as `""`), indented by `indent` spaces a level when given;
 * stops once it passes `limit`. Walked here so a value is never serialised to learn it is
 * too large.
 */
export function jsonLengthWithin(value: unknown, limit: number, nesting: number, indent = 0): number {
  let length = 0;
  const walk = (v: unknown, depth: number): void => {
    if (length > limit) return;
    if (typeof v === 'string') {
      length += escapedLength(v, limit - length);
      return;
    }
    if (typeof v === 'number') {
      length += 24;
      return;
    }
    if (v === null || v === undefined || typeof v !== 'object' || isFunctionValue(v)) {
      length += 5;
      return;
    }
    if (depth >= nesting) {
      length = limit + 1;
      return;
    }
    const perMember = 1 + (indent > 0 ? 1 + indent * (depth + 1) : 0);
    length += 2 + (indent > 0 ? 1 + indent * depth : 0);
    if (Array.isArray(v)) {
      for (const item of v) {
        length += perMember;
        walk(item, depth + 1);
        if (length > limit) return;
      }
      return;
    }
    for (const key in v) {
      if (!Object.prototype.hasOwnProperty.call(v, key)) continue;
      length += perMember + 1 + (indent > 0 ? 1 : 0) + escapedLength(key, limit - length);
      walk((v as Record<string, unknown>)[key], depth + 1);
      if (length > limit) return;
    }
  };
  walk(value, 0);
  return length;
}

/** The length of a string written as JSON: quotes, and escapes for quotes, backslashes and control characters (reading no further than `room` requires). */
function escapedLength(text: string, room: number): number {
  if (text.length + 2 > room) return text.length + 2;
  let length = text.length + 2;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 || c === 0x5c || c === 0x08 || c === 0x09 || c === 0x0a || c === 0x0c || c === 0x0d) length += 1;
    else if (c < 0x20 || (c >= 0xd800 && c <= 0xdfff)) length += 5;
  }
  return length;
}
