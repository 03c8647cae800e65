/** A whole-number flag's value: `raw` as an integer of at least `min`, or an error naming `--name`. */
export function integerFlag(name: string, raw: string, min: number): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer of at least ${min}, got '${raw}'`);
  return n;
}
