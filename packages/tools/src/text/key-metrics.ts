import { findFigures } from './financial-figures';
import { METRIC_KEYWORDS } from './metric-keywords';
import { findRowFigures } from './row-figures';
import type { Sentence } from './sentences';

/** A figure a label names, with where it was found. */
export interface LabelledFigure {
  label: string;
  /** Normalised: "10.5M", "€2.3B", "15%". */
  value: string;
  kind: 'money' | 'percentage';
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
    });
  }
  return qualified(out, sentences).sort((a, b) => a.sentence - b.sentence);
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

/**
 * Labels qualified where the document states several figures for one: an adjusted measure is
 * `adjusted_<label>` beside the reported `<label>`, and a figure the document expects (under a
 * guidance or outlook heading, or after "expects", "guides", "estimates that" in its sentence)
 * is `<label>_guidance` beside the figure it reports for the period.
 */
function qualified(figures: readonly LabelledFigure[], sentences: readonly Sentence[]): LabelledFigure[] {
  const guidanceSection = guidanceSections(sentences);
  return figures.map((figure) => {
    const text = sentences[figure.sentence]?.text ?? '';
    const at = keywordBefore(text, figure);
    let label = figure.label;
    if (at !== undefined && ADJUSTED.test(text.slice(Math.max(0, at - 60), at)) && !label.startsWith('adjusted_'))
      label = `adjusted_${label}`;
    const forward =
      guidanceSection[figure.sentence] === true || (at !== undefined && GUIDANCE_WORDS.test(text.slice(0, at)));
    if (forward) label = `${label}_guidance`;
    return label === figure.label ? figure : { ...figure, label };
  });
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
    const current = chosen.get(figure.label);
    if (current === undefined || (figure.headline && !current.headline) || (figure.totalRow && current.totalRow)) {
      chosen.set(figure.label, figure);
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
