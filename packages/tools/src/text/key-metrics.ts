import { findFigures } from './financial-figures';
import { formatAmount } from './figure-amounts';
import { METRIC_KEYWORDS } from './metric-keywords';
import type { FigureKind } from './metric-keywords';
import { findRowFigures } from './row-figures';
import type { Sentence } from './sentences';

/** A figure a label names, with where it was found. */
export interface LabelledFigure {
  label: string;
  /** Normalised: "10.5M", "€2.3B", "15%". */
  value: string;
  kind: FigureKind;
  /** Index of the sentence or row that states it. */
  sentence: number;
  /**
   * It is a headline figure: a total, annual, full-year, consolidated, overall or final one
   * (its sentence says so, or its row's label is a total), which a later statement of the
   * same label may replace.
   */
  headline: boolean;
  /** A table row whose label is a total ("Subtotal", "Total"): a later one of the same label sums more, and wins. */
  totalRow: boolean;
  /**
   * A normalised tag where the figure is of another period than the one the document
   * reports (`2024`, `q4_2023`, `fy2024`, `full_year`, `prior_year`): it is reported as
   * `<label>_<period>` beside `<label>`.
   */
  period?: string;
  /** A stated period's figure in parentheses after another figure (see `Figure.basis`). */
  basis?: true;
}

/** The key a figure is reported under: its label, with its period where it has one (`ebita_fy2024`). */
export function figureKey(figure: Pick<LabelledFigure, 'label' | 'period'>): string {
  return figure.period === undefined ? figure.label : `${figure.label}_${figure.period}`;
}

// A currency beside a figure, or a table's declared unit: the text talks about money.
const MONEY_MARK =
  /[$€£¥₹]\s?\d|\d\s?(?:€|円|元)|(?<![\p{L}])(?:USD|EUR|GBP|JPY|CNY|RMB|INR|CHF|MEUR|MUSD)\s?\d|\d\s?(?:USD|EUR|GBP|JPY|CHF|MEUR|MUSD)(?![\p{L}])|単位|单位|[(（](?:元|百万円|千円|M€)[)）]|\d\s?(?:crores?|lakhs?)(?![\p{L}])/u;

/** Whether the text is in a financial context at all: it states an amount of money somewhere. */
export function talksMoney(text: string): boolean {
  return MONEY_MARK.test(text);
}

/**
 * Every figure a label names, in text order: rows of tables and forms ("Revenue $ 31,999",
 * "当期純利益 1,269") and figures in prose that a financial keyword names ("revenue rose 12%
 * to $4.1bn").
 */
export function findLabelledFigures(sentences: readonly Sentence[], language: string, text: string): LabelledFigure[] {
  const money = talksMoney(text);
  const out: LabelledFigure[] = [];
  for (const row of findRowFigures(sentences, language)) {
    out.push({
      label: row.label,
      value: row.value,
      kind: row.kind,
      sentence: row.sentence,
      headline: row.total,
      totalRow: row.total,
    });
  }
  if (money) out.push(...tileFigures(sentences));
  // Prose only: a row's figures are read by their label, not by the words around them.
  const prose = sentences.map((s) => (s.kind === 'row' ? '' : s.text));
  for (const figure of findFigures(prose, money)) {
    if (figure.label === null) continue;
    out.push({
      label: figure.label,
      value: figure.value,
      kind: figure.kind,
      sentence: figure.sentence,
      headline: figure.headline,
      totalRow: false,
      ...(figure.period === undefined ? {} : { period: figure.period }),
      ...(figure.basis === undefined ? {} : { basis: figure.basis }),
    });
  }
  return qualified(out, sentences, text).sort((a, b) => a.sentence - b.sentence);
}

// A highlights tile's figure alone on its line: a currency or a scale word makes it an amount
// ("₹1,186 crore"; "`" is the rupee sign of a common Indian rupee font, read as such only
// before an amount in crores or lakhs, which are Indian).
const TILE_AMOUNT =
  /^(?<cur>[$€£¥₹`])?\s?(?<num>\d{1,3}(?:,\d{2,3})*,\d{3}(?:\.\d+)?|\d+(?:\.\d+)?)\s?(?<scale>crores?|lakhs?|thousand|million|billion|mn|bn)?$/iu;
// A tile's count and its name on one line, the name capitalised: "2,32,822 New jobs created".
const TILE_COUNT = /^(?<num>\d{1,3}(?:,\d{2,3})+)\s?(?<name>\p{Lu}[\p{L}]*(?: [\p{L}]+){0,3})$/u;
// The name under a tile's figure: one to four words, nothing else.
const TILE_NAME = /^\p{L}[\p{L}'’-]*(?: [\p{L}][\p{L}'’-]*){0,3}$/u;
const TILE_SCALES: Readonly<Record<string, number>> = {
  crore: 1e7,
  lakh: 1e5,
  thousand: 1e3,
  million: 1e6,
  mn: 1e6,
  billion: 1e9,
  bn: 1e9,
};
const TILE_CURRENCY: Readonly<Record<string, string>> = { $: '', '€': '€', '£': '£', '¥': '¥', '₹': '₹', '`': '₹' };

/**
 * Figures of a report's highlights tiles, where the figure comes first and its name under it
 * or right after it ("₹1,186 crore" over "CSR contribution", "2,32,822 New jobs created"):
 * the name is the key in snake case, as a row's label. Only in a text about money, a figure
 * with a currency or a scale word alone on its line, and a name of at most four words alone
 * on the next line of its paragraph; a count only with its digits grouped and its name on
 * the same line (not a year, a page or a footnote).
 */
function tileFigures(sentences: readonly Sentence[]): LabelledFigure[] {
  const out: LabelledFigure[] = [];
  for (const [index, sentence] of sentences.entries()) {
    const text = sentence.text.trim();
    const count = TILE_COUNT.exec(text)?.groups;
    if (count !== undefined) {
      out.push(tile(count.name!, count.num!.replace(/,/gu, ''), 'number', index));
      continue;
    }
    const amount = TILE_AMOUNT.exec(text)?.groups;
    const next = sentences[index + 1];
    if (amount === undefined || next === undefined || next.paragraph !== sentence.paragraph) continue;
    const scaleWord = amount.scale?.toLowerCase().replace(/s$/u, '');
    const indian = scaleWord === 'crore' || scaleWord === 'lakh';
    if (amount.cur === '`' && !indian) continue;
    if (amount.cur === undefined && scaleWord === undefined) continue;
    if (!TILE_NAME.test(next.text.trim())) continue;
    const size = scaleWord === undefined ? 1 : (TILE_SCALES[scaleWord] ?? 1);
    const { value } = formatAmount(String(Number(amount.num!.replace(/,/gu, '')) * size), undefined);
    const prefix = amount.cur === undefined ? (indian ? '₹' : '') : (TILE_CURRENCY[amount.cur] ?? '');
    out.push(tile(next.text.trim(), `${prefix}${value}`, 'money', index));
  }
  return out;
}

function tile(name: string, value: string, kind: FigureKind, sentence: number): LabelledFigure {
  const label = name
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '_')
    .replace(/^_+|_+$/gu, '');
  return { label, value, kind, sentence, headline: false, totalRow: false };
}

// A heading over figures the document expects rather than reports.
const GUIDANCE_HEADING =
  /\b(?:guidance|outlook|forecasts?|prognose|ausblick|perspectives|previsiones|perspectivas)\b|見通し|業績予想|预计|预测/iu;
// A sentence that states what is expected, before the figure: "Kreate estimates that its
// revenue in 2025 will ...", "We now expect 2025 revenue to grow ...", "... guides that".
const GUIDANCE_WORDS =
  /\b(?:guidance|guides?|outlook|forecasts?|expects?|estimates? that|projects? that|anticipates?)\b/iu;
// "Adjusted EPS", "Adjusted FIFO operating profit", "non-GAAP net income": another measure than the reported one.
const ADJUSTED = /\b(?:adjusted|non-gaap)\s+(?:[\p{L}-]+\s+){0,3}$/iu;
const KEYWORD_PATTERNS = new Map(METRIC_KEYWORDS.map((k) => [k.label, new RegExp(`\\b(?:${k.pattern})\\b`, 'giu')]));
// Headings at most this far above still head the section (a heading, then "Reaffirmed").
const HEADING_REACH = 2;

// A note by an analyst about a company: it states a target price for the company's shares.
const ANALYST_NOTE = /\b(?:target price|price target)s?\b/iu;
// The analyst's own expectation: "We now expect", "our forecast", "we estimate".
const FIRST_PERSON_BEFORE = /\b(?:we|our)\s+(?:[\p{L}-]+\s+){0,2}$/iu;

/**
 * Labels qualified where the document states several figures for one: an adjusted measure is
 * `adjusted_<label>` beside the reported `<label>`, and a figure the document expects (under a
 * guidance or outlook heading, or after "expects", "guides", "estimates that" in its sentence)
 * is `<label>_guidance` beside the figure it reports for the period; in an analyst's note
 * (it states a target price), what the analyst expects ("we expect", "our forecast") is
 * `<label>_forecast`, and what the company guides stays `<label>_guidance`. A figure of
 * another period keeps the label of the figure it accompanies: a "(2024: 8.8 MEUR)" after
 * an expectation is the latest actual it builds on, and after an actual, its comparison with
 * an earlier period, left out (a report gives one for nearly every figure).
 */
function qualified(
  figures: readonly LabelledFigure[],
  sentences: readonly Sentence[],
  wholeText: string,
): LabelledFigure[] {
  const guidanceSection = guidanceSections(sentences);
  const analystNote = ANALYST_NOTE.test(wholeText);
  return figures.flatMap((figure) => {
    const text = sentences[figure.sentence]?.text ?? '';
    const at = keywordBefore(text, figure);
    const expectation = at === undefined ? null : lastMatch(GUIDANCE_WORDS_ALL, text.slice(0, at));
    const forward = guidanceSection[figure.sentence] === true || expectation !== null;
    if (figure.basis === true) return forward ? [figure] : [];
    if (figure.period !== undefined) return [figure];
    let label = figure.label;
    if (at !== undefined && ADJUSTED.test(text.slice(Math.max(0, at - 60), at)) && !label.startsWith('adjusted_'))
      label = `adjusted_${label}`;
    if (forward) {
      const analysts =
        analystNote && expectation !== null && FIRST_PERSON_BEFORE.test(text.slice(0, expectation.index));
      label = `${label}_${analysts ? 'forecast' : 'guidance'}`;
    }
    return [label === figure.label ? figure : { ...figure, label }];
  });
}

const GUIDANCE_WORDS_ALL = new RegExp(GUIDANCE_WORDS.source, 'giu');

function lastMatch(pattern: RegExp, text: string): RegExpExecArray | null {
  let last: RegExpExecArray | null = null;
  pattern.lastIndex = 0;
  for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) last = m;
  return last;
}

/** Where the figure's own keyword stands in its sentence: its last mention before the figure's value, else its first. */
function keywordBefore(text: string, figure: LabelledFigure): number | undefined {
  const pattern = KEYWORD_PATTERNS.get(figure.label);
  const lower = text.toLowerCase();
  if (pattern === undefined) {
    // A row's own label: it begins the row.
    const words = figure.label.replace(/_/gu, ' ');
    const found = lower.indexOf(words);
    return found >= 0 ? found : undefined;
  }
  const valueAt = lower.indexOf(figure.value.replace(/[^\d.]/gu, '').split('.')[0] ?? '');
  let best: number | undefined;
  for (const match of text.matchAll(pattern)) {
    if (best === undefined || valueAt < 0 || match.index < valueAt) best = match.index;
    if (valueAt >= 0 && match.index >= valueAt) break;
  }
  return best;
}

/** For each sentence, whether a guidance or outlook heading heads its section. */
function guidanceSections(sentences: readonly Sentence[]): boolean[] {
  const out: boolean[] = [];
  let guidance = false;
  let headingsInARow = 0;
  for (const sentence of sentences) {
    if (sentence.kind === 'heading') {
      headingsInARow++;
      const says = GUIDANCE_HEADING.test(sentence.text);
      guidance = says || (guidance && headingsInARow <= HEADING_REACH);
    } else headingsInARow = 0;
    out.push(guidance);
  }
  return out;
}

/**
 * The figure that stands for each label: the first one stated, unless a later one is a
 * headline figure (a total, annual, full-year, consolidated, overall or final one) and the
 * first is not, in which case the first headline one wins. Reports lead with their main
 * numbers and later mentions are mostly comparisons or parts, except a statement of totals,
 * which is what a reader asks for first wherever it stands (even on a long document's last
 * page); the comparison after a total ("compared to $34.6 billion") is not one. Total rows
 * of one label ("Subtotal" under each group of an invoice, then over all) end with the one
 * that sums the most: the last.
 */
export function chooseKeyFigures(figures: readonly LabelledFigure[]): Map<string, LabelledFigure> {
  const chosen = new Map<string, LabelledFigure>();
  for (const figure of figures) {
    const key = figureKey(figure);
    const current = chosen.get(key);
    if (current === undefined || (figure.headline && !current.headline) || (figure.totalRow && current.totalRow)) {
      chosen.set(key, figure);
    }
  }
  return chosen;
}

/**
 * Drops a label whose figure another, more specific label states with the same value: a
 * table's "Costs and expenses 22,607" (in millions) and the prose's "total costs and expenses
 * were $22.61 billion" read as `expenses` are one figure, reported once under the row's label.
 */
export function withoutRestatements(chosen: ReadonlyMap<string, LabelledFigure>): Map<string, LabelledFigure> {
  const out = new Map(chosen);
  for (const [label, figure] of chosen) {
    for (const [other, otherFigure] of chosen) {
      if (other === label || otherFigure.value !== figure.value) continue;
      if (`_${other}_`.includes(`_${label}_`)) out.delete(label);
    }
  }
  return out;
}
