/**
 * What a table's header says about its figure columns: which periods they hold and which one
 * is the change between them ("2023 2022 % Change", "2020 2021", "本报告期 上年同期
 * 本报告期比上年同期增减"), so a row's current-period cell and its change can be chosen by
 * the header rather than by position (a statement whose columns run oldest first, a table of
 * seven years whose cells come in pairs).
 */
export interface PeriodHeader {
  /** The header's figure columns, in order. */
  columns: number;
  /** The column of the latest period: the highest year, or the one the header calls current. */
  current: number;
  /** The column of the change between periods ("% Change", "增减"), if the header has one. */
  change: number | undefined;
}

const YEAR = /^(?:FY|CY)?'?(?:19|20)\d{2}[a-z]?$/iu;
// A year marked as an estimate or forecast ("2025e", "2026F"): a column, never the current one.
const ESTIMATE = /\d[efp]$/iu;
// Periods CJK statements name in words: the current one (本报告期, 本期, 当期) and earlier ones.
const CURRENT_WORD = /^(?:本报告期末?|本期(?:金额|发生额)?|当期|当連結会計年度|当事業年度)$/u;
const EARLIER_WORD = /^(?:上年同期|上年度末|上期(?:金额|发生额)?|前期|前連結会計年度|前事業年度)$/u;
const CHANGE_WORD = /^(?:%change|change|%|var\.?|y\/y|yoy|增减%?|.*增减(?:\(?%\)?)?|増減)$/iu;
// Words a header may begin with before its periods ("In millions, except per share amounts 2023 2022").
const MAX_PERIOD_COLUMNS = 12;

/**
 * The period columns a header line ends with, at least two of them: years or the words CJK
 * statements use, optionally a change column. Anything before them (a unit, "Three months
 * ended June 30,") is not a column of figures.
 */
export function readPeriodHeader(text: string): PeriodHeader | undefined {
  const tokens = text
    .trim()
    .replace(/%\s+change\b/giu, '%change')
    .split(/\s+/u);
  const kinds: ('year' | 'current' | 'earlier' | 'change')[] = [];
  const years: number[] = [];
  const estimates: boolean[] = [];
  for (let i = tokens.length - 1; i >= 0; i--) {
    const token = tokens[i]!;
    if (YEAR.test(token)) {
      kinds.unshift('year');
      years.unshift(Number(/\d{4}/u.exec(token)![0]));
      estimates.unshift(ESTIMATE.test(token));
    } else if (CURRENT_WORD.test(token)) kinds.unshift('current');
    else if (EARLIER_WORD.test(token)) kinds.unshift('earlier');
    else if (CHANGE_WORD.test(token) && !kinds.includes('change')) kinds.unshift('change');
    else break;
  }
  const periods = kinds.filter((k) => k !== 'change').length;
  if (periods < 2 || kinds.length > MAX_PERIOD_COLUMNS) return undefined;
  // Years or words, not both: "Week 3 of 2031 2032" is not a header.
  if (years.length > 0 && years.length !== periods) return undefined;
  const changeAt = kinds.indexOf('change');
  let current: number;
  if (years.length > 0) {
    const actual = years.filter((_, i) => !estimates[i]);
    // Mostly estimates: a forecast table, whose one actual year only restates the base.
    if (actual.length * 2 < years.length || actual.length === 0) return undefined;
    const latest = Math.max(...actual);
    current = kinds.findIndex((k, i) => k === 'year' && yearAt(kinds, years, i) === latest);
  } else {
    current = kinds.indexOf('current');
    if (current < 0) return undefined;
  }
  return { columns: kinds.length, current, change: changeAt >= 0 ? changeAt : undefined };
}

/** The year of the `index`th column, counting only the year columns before it. */
function yearAt(kinds: readonly string[], years: readonly number[], index: number): number | undefined {
  return years[kinds.slice(0, index).filter((k) => k === 'year').length];
}

/**
 * Which of a row's figure cells the header puts in the current period and in the change
 * column: cell for column where the row has one cell per column (cells past the header's last
 * ignored: a remark), or the first cell of the current column's group where each period holds
 * the same number of cells ("Mill. u$s" and "Part." under each of seven years).
 */
export function cellsByHeader(
  cellCount: number,
  header: PeriodHeader,
): { current: number; change: number | undefined } | undefined {
  if (cellCount === header.columns || (cellCount > header.columns && cellCount <= header.columns + 1)) {
    return { current: header.current, change: header.change };
  }
  if (header.change === undefined && cellCount > header.columns && cellCount % header.columns === 0) {
    const group = cellCount / header.columns;
    return { current: header.current * group, change: undefined };
  }
  return undefined;
}
