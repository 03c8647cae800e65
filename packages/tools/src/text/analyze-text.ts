import { boilerplateReason, repeatKey } from './boilerplate';
import { findDates } from './dates';
import { chooseKeyFigures, figureKey, findLabelledFigures, withoutRestatements } from './key-metrics';
import type { LabelledFigure } from './key-metrics';
import { detectLanguage } from './language';
import { readability, readabilityCounts } from './readability';
import { findSections } from './sections';
import type { SectionRole } from './sections';
import { splitSentences } from './sentences';
import type { Sentence } from './sentences';
import { summarize } from './summarize';
import type { SummaryCandidate } from './summarize';
import { termFrequencies, topTerms } from './term-frequency';
import type {
  AnalysisLevel,
  BasicStatistics,
  DetailedStatistics,
  KeyMetricEvidence,
  Metric,
  SectionSummary,
  TextAnalysis,
} from './text-analysis';
import { termsOf, wordCountOf, words } from './words';

export type {
  AnalysisLevel,
  BasicAnalysis,
  ComprehensiveAnalysis,
  DetailedAnalysis,
  Metric,
  TextAnalysis,
} from './text-analysis';

// Summaries grow with the level; a short text gets a one-sentence basic summary.
const SUMMARY_SENTENCES = { basic: 2, detailed: 3, comprehensive: 5 } as const;
const SHORT_TEXT_SENTENCES = 4;
const TOP_TERMS = { detailed: 5, comprehensive: 10 } as const;
// Outputs are read by people and passed to later steps: a long report's every figure or
// section would bury the ones that matter.
const MAX_METRICS = 50;
const MAX_SECTIONS = 100;
const SECTION_SUMMARY_SENTENCES = 1;
const LONG_SECTION_SENTENCES = 12;
const MAX_METRIC_SENTENCE_CHARS = 300;
const WORDS_PER_MINUTE = 200;

interface AnalysedSentence extends Sentence {
  tokens: string[];
  terms: string[];
}

/**
 * Analyses `text` at `level`. Everything is derived from the text alone (no model, no
 * network, no clock), so the same text always gives the same analysis.
 */
export function analyzeText(text: string, level: AnalysisLevel): TextAnalysis {
  const language = detectLanguage(text);
  const sentences: AnalysedSentence[] = splitSentences(text, language).map((s) => {
    const tokens = words(s.text);
    return { ...s, tokens, terms: termsOf(s.text, tokens, language) };
  });
  const texts = sentences.map((s) => s.text);
  const figures = findLabelledFigures(sentences, language, text);
  const key = withoutRestatements(chooseKeyFigures(figures));
  const key_metrics: Record<string, string> = {};
  const key_metric_evidence: Record<string, KeyMetricEvidence> = {};
  for (const [label, figure] of key) {
    key_metrics[label] = figure.value;
    key_metric_evidence[label] = {
      value: figure.value,
      evidence: clip(texts[figure.sentence] ?? ''),
      page: sentences[figure.sentence]?.page ?? null,
    };
  }

  const sections = findSections(sentences);
  const roles = new Array<SectionRole>(sentences.length).fill('body');
  for (const section of sections) roles.fill(section.role, section.start, section.end);
  const repeats = new Map<string, number>();
  for (const s of sentences) repeats.set(repeatKey(s.text), (repeats.get(repeatKey(s.text)) ?? 0) + 1);
  const candidates: SummaryCandidate[] = sentences.map((s, index) => ({
    text: s.text,
    terms: s.terms,
    wordCount: wordCountOf(s.text, s.tokens),
    kind: s.kind,
    boilerplate: boilerplateReason(s.text, s.kind, repeats),
    role: roles[index] ?? 'body',
    position: sentences.length > 1 ? index / (sentences.length - 1) : 0,
    opensParagraph: index === 0 || sentences[index - 1]?.paragraph !== s.paragraph,
  }));
  const statements = sentences.filter((s) => s.kind !== 'heading');
  const summaryLength = level === 'basic' && statements.length < SHORT_TEXT_SENTENCES ? 1 : SUMMARY_SENTENCES[level];
  const summary = summarize(candidates, summaryLength);

  let wordCount = 0;
  for (const s of sentences) wordCount += s.tokens.length;
  const basicStatistics: BasicStatistics = {
    word_count: wordCount,
    sentence_count: statements.length,
    paragraph_count: new Set(sentences.map((s) => s.paragraph)).size,
    character_count: codePoints(text.trim()),
  };
  if (level === 'basic') {
    return { analysis_level: level, summary, key_metrics, statistics: basicStatistics, language, key_metric_evidence };
  }

  const statementWords = statements.reduce((sum, s) => sum + s.tokens.length, 0);
  const distinct = new Set<string>();
  let wordLetters = 0;
  for (const s of sentences) {
    for (const token of s.tokens) {
      distinct.add(token.toLowerCase());
      wordLetters += token.length;
    }
  }
  const statistics: DetailedStatistics = {
    ...basicStatistics,
    unique_word_count: distinct.size,
    section_count: sections.length,
    average_sentence_length: round1(statementWords / Math.max(1, statements.length)),
    average_word_length: round1(wordLetters / Math.max(1, wordCount)),
    reading_time_minutes: Math.max(1, Math.ceil(wordCount / WORDS_PER_MINUTE)),
  };
  const pages = sentences.map((s) => s.page);
  const metrics = selectMetrics(figures, new Set(key.values()), findDates(texts), texts, pages);
  const frequencies = termFrequencies(sentences.flatMap((s) => s.terms));
  if (level === 'detailed') {
    return {
      analysis_level: level,
      summary,
      key_metrics,
      statistics,
      language,
      key_metric_evidence,
      metrics,
      top_terms: topTerms(frequencies, TOP_TERMS.detailed),
    };
  }

  const sectionSummaries: SectionSummary[] = sections.slice(0, MAX_SECTIONS).map((section) => {
    const inSection = candidates.slice(section.start, section.end);
    const size = inSection.filter((c) => c.kind !== 'heading').length;
    return {
      heading: section.heading,
      summary: summarize(inSection, size >= LONG_SECTION_SENTENCES ? 2 : SECTION_SUMMARY_SENTENCES),
      sentence_count: size,
    };
  });
  return {
    analysis_level: level,
    summary,
    key_metrics,
    statistics,
    language,
    key_metric_evidence,
    metrics,
    top_terms: topTerms(frequencies, TOP_TERMS.comprehensive),
    sections: sectionSummaries,
    readability: readability(readabilityCounts(statements.map((s) => s.tokens))),
  };
}

interface Located {
  metric: Metric;
  sentence: number;
  order: number;
  key: boolean;
}

/**
 * Labelled figures and dates, at most `MAX_METRICS`: every figure behind key_metrics (so a
 * total stated on a long document's last page is listed), then the others in document
 * order; listed in document order.
 */
function selectMetrics(
  figures: readonly LabelledFigure[],
  key: ReadonlySet<LabelledFigure>,
  dates: ReturnType<typeof findDates>,
  texts: readonly string[],
  pages: readonly (number | null)[],
): Metric[] {
  const all: Located[] = [];
  for (const figure of figures) {
    // A count or a ratio ("Headcount was 71,469") is in key_metrics only: `metrics[].kind`
    // names amounts, percentages and dates, and widening it waits for a version bump.
    if (figure.kind === 'number') continue;
    all.push({
      metric: {
        label: figureKey(figure),
        value: figure.value,
        kind: figure.kind === 'money' ? 'amount' : 'percentage',
        sentence: clip(texts[figure.sentence] ?? ''),
        page: pages[figure.sentence] ?? null,
      },
      sentence: figure.sentence,
      order: all.length,
      key: key.has(figure),
    });
  }
  for (const date of dates) {
    all.push({
      metric: {
        label: date.label,
        value: date.value,
        kind: 'date',
        sentence: clip(texts[date.sentence] ?? ''),
        page: pages[date.sentence] ?? null,
      },
      sentence: date.sentence,
      order: all.length,
      key: false,
    });
  }
  const keyed = all.filter((m) => m.key).slice(0, MAX_METRICS);
  const others = all
    .filter((m) => !m.key)
    .sort(byPlace)
    .slice(0, Math.max(0, MAX_METRICS - keyed.length));
  return [...keyed, ...others].sort(byPlace).map((m) => m.metric);
}

function byPlace(a: Located, b: Located): number {
  return a.sentence - b.sentence || a.order - b.order;
}

function clip(sentence: string): string {
  return sentence.length <= MAX_METRIC_SENTENCE_CHARS
    ? sentence
    : `${sentence.slice(0, MAX_METRIC_SENTENCE_CHARS - 1)}…`;
}

function codePoints(text: string): number {
  // UTF-16 length less one per surrogate pair; spreading 3 MB into an array to count would be wasteful.
  return text.length - (text.match(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g)?.length ?? 0);
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}
