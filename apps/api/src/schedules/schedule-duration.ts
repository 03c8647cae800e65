import { z } from 'zod';

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const PART = /(\d+)(ms|s|m|h|d)/g;
const WHOLE = /^(\d+(ms|s|m|h|d))+$/;

/** Milliseconds of a duration written as Temporal's CLI writes them (`90s`, `1h30m`, `500ms`), or undefined. */
export function durationMs(text: string): number | undefined {
  if (!WHOLE.test(text)) return undefined;
  let total = 0;
  for (const [, amount, unit] of text.matchAll(PART)) total += Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS];
  return Number.isSafeInteger(total) ? total : undefined;
}

/** A duration in milliseconds written back in the same form: the largest units first (`1h30m`, `2s`). */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  let rest = Math.round(ms);
  let text = '';
  for (const unit of ['d', 'h', 'm', 's', 'ms'] as const) {
    const size = UNIT_MS[unit];
    if (rest >= size) {
      text += `${Math.floor(rest / size)}${unit}`;
      rest %= size;
    }
  }
  return text;
}

/** A duration field of a request: `1h`, `90s`, `1h30m`, at least `min` ms. */
export function Duration(min: number, example: string) {
  return z
    .string()
    .max(64)
    .refine((text) => durationMs(text) !== undefined, {
      message: `must be a duration such as ${example} (whole numbers of d, h, m, s or ms, e.g. 1h30m)`,
    })
    .refine((text) => (durationMs(text) ?? min) >= min, { message: `must be at least ${formatDuration(min)}` })
    .describe(`A duration: whole numbers of d, h, m, s or ms, e.g. ${example}`);
}
