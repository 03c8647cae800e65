import type { LabelledMetric } from './corpus';

/**
 * Words a reported `key_metrics` label stands for, beyond its own words (`net_income` is
 * "net income"): the labelled metric counts as the same thing when its label or evidence
 * says one of them. The analyser's labels are a fixed vocabulary; the corpus's are a
 * reader's phrases, so the match is by these words, not by equal strings.
 */
const LABEL_WORDS: Readonly<Record<string, readonly string[]>> = {
  revenue: ['revenue', 'revenues', 'sales', 'turnover', 'net sales'],
  net_income: ['net income', 'net profit', 'net earnings', 'profit attributable'],
  net_loss: ['net loss'],
  operating_income: ['operating income', 'operating profit', 'income from operations'],
  ebt: ['ebt', 'earnings before tax', 'earnings before taxes', 'profit before tax', 'income before taxes'],
  profit: ['profit', 'earnings', 'income'],
  loss: ['loss'],
  eps: ['eps', 'earnings per share', 'loss per share'],
  expenses: ['expense', 'expenses', 'expenditure', 'expenditures', 'spending'],
  capex: ['capital expenditure', 'capital expenditures', 'capex'],
  costs: ['cost', 'costs'],
  cash: ['cash'],
  debt: ['debt', 'borrowings'],
  dividend: ['dividend', 'dividends'],
  investment: ['investment', 'investments'],
  valuation: ['valuation', 'market cap', 'market capitalization'],
  tax: ['tax', 'taxes'],
  growth: ['growth', 'grow', 'grew', 'increase', 'increased', 'rose', 'up'],
  decline: ['decline', 'declined', 'decrease', 'decreased', 'fell', 'down'],
  margin: ['margin'],
  price: ['price', 'prices'],
  target_price: ['target price', 'price target'],
  order_book: ['order book', 'order backlog', 'backlog'],
  share_repurchases: ['share repurchases', 'repurchases', 'repurchased', 'buybacks', 'buyback'],
  identical_sales: ['identical sales', 'comparable sales', 'same-store sales', 'like-for-like sales'],
  headcount: ['headcount', 'employees'],
  daily_active_users: ['daily active users', 'daily active people'],
  monthly_active_users: ['monthly active users', 'monthly active people'],
  net_debt_to_ebitda: ['net debt to ebitda', 'net total debt to adjusted ebitda', 'leverage ratio'],
};

/** The words a reported label names: its own (underscores as spaces) and those of `LABEL_WORDS`. */
function labelWords(label: string): string[] {
  return [label.replace(/_/gu, ' '), ...(LABEL_WORDS[label] ?? [])];
}

function saysAnyOf(text: string, words: readonly string[]): boolean {
  const lower = text.toLowerCase();
  return words.some((word) =>
    new RegExp(`(?<![\\p{L}\\p{N}])${word.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&')}(?![\\p{L}\\p{N}])`, 'u').test(lower),
  );
}

/** A number as stated, and what it stands for with its scale word (million, 百万円, ...). */
interface StatedNumber {
  value: number;
  scaled: number;
  percent: boolean;
}

const SCALES: readonly (readonly [RegExp, number])[] = [
  [/^\s*(?:trillion|tn\b|t\b)/iu, 1e12],
  [/^\s*(?:billion|bn\b|b\b)/iu, 1e9],
  [/^\s*(?:crores?\b|cr\b)/iu, 1e7],
  [/^\s*(?:million|mn\b|mm\b|m\b|百万)/iu, 1e6],
  [/^\s*(?:lakhs?\b)/iu, 1e5],
  [/^\s*(?:thousand|k\b|千)/iu, 1e3],
  [/^\s*億/u, 1e8],
  [/^\s*万/u, 1e4],
];

/**
 * Every reading of a number as written: "1,234.5", "1.234,5" (decimal comma), "1,23,456"
 * (Indian grouping), "1.234" (a German thousand or a decimal: both are kept).
 */
function readings(raw: string): number[] {
  const commas = raw.includes(',');
  const dots = raw.includes('.');
  if (commas && dots) {
    return raw.lastIndexOf(',') > raw.lastIndexOf('.')
      ? [Number(raw.replace(/\./gu, '').replace(',', '.'))]
      : [Number(raw.replace(/,/gu, ''))];
  }
  if (commas) {
    const groups = raw.split(',');
    const thousands = groups.slice(1).every((g) => g.length === 3 || g.length === 2);
    const decimal = groups.length === 2 ? [Number(raw.replace(',', '.'))] : [];
    return thousands ? [Number(raw.replace(/,/gu, '')), ...decimal] : decimal;
  }
  if (dots && raw.split('.').length > 2) return [Number(raw.replace(/\./gu, ''))];
  if (dots && /\.\d{3}$/u.test(raw)) return [Number(raw), Number(raw.replace('.', ''))];
  return [Number(raw)];
}

/** The numbers a labelled value states, each in every reading, with and without its scale word. */
export function statedNumbers(text: string): StatedNumber[] {
  const numbers: StatedNumber[] = [];
  for (const match of text.matchAll(/\d[\d.,]*/gu)) {
    const raw = match[0].replace(/[.,]+$/u, '');
    const rest = text.slice((match.index ?? 0) + raw.length).replace(/^\)/u, '');
    const scale = SCALES.find(([pattern]) => pattern.test(rest))?.[1] ?? 1;
    const percent = /^\s*%/u.test(rest);
    for (const value of readings(raw)) {
      if (Number.isFinite(value)) numbers.push({ value, scaled: value * scale, percent });
    }
  }
  return numbers;
}

/** A reported value as the analyser normalises it: "10.5M", "€2.3B", "15%", "-3.2%", "479". */
export function reportedNumber(value: string): StatedNumber | undefined {
  const match = /(\d+(?:\.\d+)?)\s*([KMBT%])?/u.exec(value.replace(/,/gu, ''));
  if (match === null) return undefined;
  const number = Number(match[1]);
  const unit = match[2];
  const size = unit === 'K' ? 1e3 : unit === 'M' ? 1e6 : unit === 'B' ? 1e9 : unit === 'T' ? 1e12 : 1;
  return { value: number, scaled: number * size, percent: unit === '%' };
}

const close = (a: number, b: number): boolean => Math.abs(a - b) <= 0.005 * Math.max(Math.abs(a), Math.abs(b));

// A labelled value that is a range: "9-11 MEUR", "$4.45 – $4.60", "1.0% – 2.0%".
const LABELLED_RANGE = /\d\s*(?:%|[\p{L}]+)?\s*[-–—]\s*(?:[$€£¥₹]|[A-Z]{3}\s)?\d/u;

/**
 * Whether a reported value is a labelled one: the same number (sign aside: labels write a
 * loss "($479) million"), scaled or as written (a table "in millions" whose header the
 * analyser did not read), both percentages or neither, within 0.5% (the analyser rounds
 * to two decimals of its unit). A range ("€9M–€11M") matches only a labelled range, both
 * ends; a single figure never matches a range (one end is not what the document expects).
 */
export function valueMatches(reported: string, labelled: string): boolean {
  const ends = reported.split('–');
  if ((ends.length === 2) !== LABELLED_RANGE.test(labelled)) return false;
  const stated = statedNumbers(labelled);
  return ends.every((end) => {
    const mine = reportedNumber(end);
    return (
      mine !== undefined &&
      stated.some(
        (s) =>
          s.percent === mine.percent &&
          (close(mine.scaled, s.scaled) || close(mine.scaled, s.value) || close(mine.value, s.value)),
      )
    );
  });
}

// A labelled metric the document expects rather than reports ("guidance: adjusted EPS (FY2023)", "analyst forecast: revenue (2025)").
const EXPECTED = /guidance|forecast|outlook|expect|guides/iu;
// An analyst's expectation rather than the company's ("analyst forecast: adjusted EBITA (2025)").
const ANALYSTS = /analyst|forecast|estimate|consensus/iu;

// The period a reported key names after its label: `ebita_2024`, `eps_q4_2023`, `eps_full_year`, `revenue_prior_year`.
const PERIOD_SUFFIX = /_(?<period>prior_year|full_year|fy\d{4}|[qh][1-4]_\d{4}|\d{4})$/u;
// A labelled metric of an earlier period kept for comparison ("(Q2 2022, comparison)").
const COMPARISON = /comparison|prior[- ]year|previous year|last year|a year ago|year earlier/iu;

/** Whether the labelled metric's label states the period a reported key's suffix names. */
function statesPeriod(period: string, label: string): boolean {
  if (period === 'prior_year') return COMPARISON.test(label);
  if (period === 'full_year') return /\bFY|full[- ]year|fiscal year|year ended|annual/iu.test(label);
  const part = /^([qh][1-4])_(\d{4})$/u.exec(period);
  if (part !== null) {
    const [, which, year] = part;
    return new RegExp(`\\b${which}\\s?(?:${year}|'${year!.slice(2)})`, 'iu').test(label);
  }
  const year = /(\d{4})$/u.exec(period)?.[1] ?? period;
  return new RegExp(`(?<!\\d)${year}(?!\\d)`, 'u').test(label);
}

/**
 * Whether a reported label names the labelled metric: its words in the metric's label or
 * evidence. The analyser qualifies a label where a document states several figures for it:
 * `<label>_guidance` (a figure the company expects) names only a labelled metric that is the
 * company's guidance, `<label>_forecast` (an analyst's expectation, in an analyst's note) only
 * an analyst's forecast, and an unqualified label neither; `adjusted_<label>` names only an
 * adjusted one (an unqualified label may: the label's words decide, as before). A period
 * suffix (`ebita_2024`, `revenue_prior_year`, see `PERIOD_SUFFIX`) names only a labelled metric
 * whose label states that period, and a key without one never names a comparison's.
 */
export function labelMatches(reportedLabel: string, labelled: LabelledMetric): boolean {
  let base = reportedLabel;
  const period = PERIOD_SUFFIX.exec(base)?.groups?.period;
  if (period !== undefined) {
    base = base.slice(0, -period.length - 1);
    if (!statesPeriod(period, labelled.label)) return false;
  } else if (COMPARISON.test(labelled.label)) return false;
  const guidance = base.endsWith('_guidance');
  const forecast = base.endsWith('_forecast');
  if (guidance) base = base.slice(0, -'_guidance'.length);
  if (forecast) base = base.slice(0, -'_forecast'.length);
  const expected = EXPECTED.test(labelled.label);
  if ((guidance || forecast) !== expected) return false;
  if (expected && forecast !== ANALYSTS.test(labelled.label)) return false;
  if (base.startsWith('adjusted_')) {
    base = base.slice('adjusted_'.length);
    if (!/adjusted/iu.test(labelled.label)) return false;
  }
  return saysAnyOf(`${labelled.label} ${labelled.evidence}`, labelWords(base));
}

/** One reported metric and the labelled one it was matched to, if any. */
export interface MetricVerdict {
  label: string;
  value: string;
  matched: string | null;
}

/** Reported `key_metrics` against the labels: each labelled metric matched at most once, first match wins. */
export function matchMetrics(
  reported: Readonly<Record<string, string>>,
  labelled: readonly LabelledMetric[],
): { verdicts: MetricVerdict[]; matched: number; reported: number; labelled: number } {
  const taken = new Set<number>();
  const verdicts = Object.entries(reported).map(([label, value]) => {
    const index = labelled.findIndex(
      (metric, i) => !taken.has(i) && valueMatches(value, metric.value) && labelMatches(label, metric),
    );
    if (index >= 0) taken.add(index);
    return { label, value, matched: index >= 0 ? labelled[index]!.label : null };
  });
  return { verdicts, matched: taken.size, reported: verdicts.length, labelled: labelled.length };
}
