/**
 * Durations in step definitions (`due_in`, `wait.duration`): a number and a unit, as
 * `"500ms"`, `"30s"`, `"15m"`, `"2h"`, `"7d"`. Plain code, shared by the schema (which
 * checks the text) and the workflow (which turns it into a timer).
 */
export const DURATION_PATTERN = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Longest duration a step may wait: one year. */
export const MAX_DURATION_MS = 366 * 86_400_000;

/** The milliseconds a duration text stands for, or undefined when it is not one. */
export function durationMs(text: string): number | undefined {
  const match = DURATION_PATTERN.exec(text.trim());
  if (!match) return undefined;
  const ms = Math.round(Number(match[1]) * (UNIT_MS[match[2] ?? ''] ?? Number.NaN));
  return Number.isFinite(ms) && ms > 0 && ms <= MAX_DURATION_MS ? ms : undefined;
}
