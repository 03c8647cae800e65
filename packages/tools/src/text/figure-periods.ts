import { LOOK_BACK } from './text-window';

// A period in parentheses before a figure: "(2024: 275.5 MEUR)", "(Q4'23: 2.7 MEUR)", "(FY2023: EUR 0.44)".
const PERIOD_IN_PARENTHESES =
  /\(\s*(?<period>(?:FY\s?)?(?:19|20)\d{2}|FY\s?'?\d{2}|[QH][1-4]\s?(?:'|\/|\s)?(?:19|20)?\d{2})\s*:\s*$/iu;
// "... to 20 cents and for the full year to 49 cents": the same measure, for another period.
const ELLIPSIS_PERIOD =
  /^\s*,?\s*and\s+(?:for|in)\s+(?:the\s+)?(?<period>full[- ]year|fiscal year|whole year|year as a whole)\s*,?\s+to\s*$/iu;
// "$33.9 billion ..., compared to $34.6 billion for the same period last year".
const COMPARED_BEFORE = /(?:compared (?:to|with)|versus|vs\.?|up from|down from)\s*$/iu;
const COMPARED_AFTER =
  /^\s*(?:(?:for|in)\s+)?(?:the\s+)?(?:same (?:period|quarter|months?) (?:of |in )?(?:last|the prior|the previous|a) year|(?:prior|previous)[- ]year(?: period| quarter)?|(?:a|one) year (?:ago|earlier)|last year|year[- ]ago (?:period|quarter))/iu;

/**
 * Whether the figure between `start` and `end` states the measure of the figure before it
 * (ending at `previousEnd`) for another period: a period in parentheses ("(2024: 275.5
 * MEUR)"), the same verb elided ("... to 20 cents and for the full year to 49 cents"), or the
 * comparison with a year before of a headline figure ("Total company sales were $33.9
 * billion, compared to $34.6 billion for the same period last year"; the comparisons of
 * lesser figures are left out: a report gives one for nearly every figure).
 */
export function otherPeriod(
  sentence: string,
  previousEnd: number,
  start: number,
  end: number,
  aside: boolean,
  previousHeadline: boolean,
): { tag: string; basis: boolean } | undefined {
  const between = sentence.slice(previousEnd, start);
  if (aside) {
    const period = PERIOD_IN_PARENTHESES.exec(between.slice(-LOOK_BACK))?.groups?.period;
    return period === undefined ? undefined : { tag: periodTag(period), basis: true };
  }
  if (ELLIPSIS_PERIOD.test(between)) return { tag: 'full_year', basis: false };
  if (
    previousHeadline &&
    COMPARED_BEFORE.test(between.slice(-LOOK_BACK)) &&
    COMPARED_AFTER.test(sentence.slice(end, end + LOOK_BACK))
  )
    return { tag: 'prior_year', basis: false };
  return undefined;
}

/** A period as a key suffix: "2024" → `2024`, "FY24" → `fy2024`, "Q4'23" → `q4_2023`, "H1 2024" → `h1_2024`. */
export function periodTag(period: string): string {
  const compact = period.replace(/[\s'/]/gu, '').toLowerCase();
  const century = (yy: string): string => (yy.length === 2 ? `20${yy}` : yy);
  const part = /^([qh][1-4])(\d{2,4})$/u.exec(compact);
  if (part !== null) return `${part[1]}_${century(part[2]!)}`;
  const fiscal = /^fy(\d{2,4})$/u.exec(compact);
  if (fiscal !== null) return `fy${century(fiscal[1]!)}`;
  return compact;
}
