import type { z } from 'zod';

/** Parse results kept per cache, at most; the least recently used are dropped first. */
const MAX_ENTRIES = 500;

/**
 * A zod schema's parse of stored JSON, remembered by the JSON text. Many rows hold the
 * same text (every job of a workflow version copies its steps and input variables, every
 * read of a version parses its definition), and parsing a definition with the step
 * schemas cost more than reading the row. The same text always parses to the same value,
 * so a text seen before is answered from its remembered result, as a fresh copy: callers
 * may change what they get.
 */
export class ParseCache<S extends z.ZodType> {
  /** The parsed value's JSON by source text: a parse's output is plain JSON data. */
  private readonly results = new Map<string, string>();

  constructor(private readonly schema: S) {}

  /** The schema's output for JSON `text`; throws the schema's error when it does not match. */
  parse(text: string): z.output<S> {
    return this.parseKeyed(text, () => JSON.parse(text) as unknown);
  }

  /**
   * The schema's output for the input `build` makes, remembered by `key`, which must stand
   * for everything the input is made from.
   */
  parseKeyed(key: string, build: () => unknown): z.output<S> {
    const known = this.results.get(key);
    if (known !== undefined) {
      // Moved to the back: the Map's order is the order of last use.
      this.results.delete(key);
      this.results.set(key, known);
      return JSON.parse(known) as z.output<S>;
    }
    const value = this.schema.parse(build());
    this.results.set(key, JSON.stringify(value));
    if (this.results.size > MAX_ENTRIES) this.results.delete(this.results.keys().next().value!);
    return value;
  }
}
