import { findFigures, keyMetrics } from './financial-figures';
import type { Figure } from './financial-figures';
import { splitSentences } from './sentences';
import { summarize } from './summarize';
import { termFrequencies, topTerms } from './term-frequency';
import type { TermCount } from './term-frequency';
import { contentWords, words } from './words';

export type AnalysisLevel = 'basic' | 'detailed' | 'comprehensive';

export type MonetaryFigure = { label: string | null; value: string; amount: number; currency: string; text: string };
export type PercentageFigure = { label: string | null; value: string; amount: number; text: string };

type Common = {
  /** Extractive: the text's own most representative sentences, in their original order. */
  summary: string;
  /** Amounts and percentages by the metric they measure, e.g. `{ revenue: "10.5M", growth: "15%" }`. */
  key_metrics: Record<string, string>;
};

export type BasicAnalysis = Common & {
  analysis_level: 'basic';
  statistics: { word_count: number; sentence_count: number };
};

export type DetailedAnalysis = Common & {
  analysis_level: 'detailed';
  statistics: { word_count: number; sentence_count: number; average_sentence_length: number };
  top_terms: TermCount[];
};

export type ComprehensiveAnalysis = Common & {
  analysis_level: 'comprehensive';
  statistics: {
    word_count: number;
    sentence_count: number;
    paragraph_count: number;
    character_count: number;
    unique_word_count: number;
    average_sentence_length: number;
    average_word_length: number;
    reading_time_minutes: number;
  };
  top_terms: TermCount[];
  monetary_figures: MonetaryFigure[];
  percentages: PercentageFigure[];
};

/** The `analysis_results` output of `text_analyzer`; each level adds to the one before. */
export type TextAnalysis = BasicAnalysis | DetailedAnalysis | ComprehensiveAnalysis;

// Summaries grow with the level; a short text gets a one-sentence basic summary.
const SUMMARY_SENTENCES = { basic: 2, detailed: 3, comprehensive: 5 } as const;
const SHORT_TEXT_SENTENCES = 4;
const TOP_TERMS = { detailed: 5, comprehensive: 10 } as const;
// Outputs travel through workflow history; a long report's every figure would bloat it.
const MAX_LISTED_FIGURES = 100;
const WORDS_PER_MINUTE = 200;

/** Analyses `text` at `level`. Everything is derived from the text: no model, no network. */
export function analyzeText(text: string, level: AnalysisLevel): TextAnalysis {
  const sentences = splitSentences(text).map((s) => {
    const tokens = words(s.text);
    return { ...s, tokens, terms: contentWords(tokens) };
  });
  const allTokens = sentences.flatMap((s) => s.tokens);
  const frequencies = termFrequencies(sentences.flatMap((s) => s.terms));
  const figures = findFigures(sentences.map((s) => s.text));
  const sentencesWithFigures = new Set(figures.map((f) => f.sentence));

  const summaryLength = level === 'basic' && sentences.length < SHORT_TEXT_SENTENCES ? 1 : SUMMARY_SENTENCES[level];
  // Centrality is how many sentences share a term, so one sentence repeating a word does not promote itself.
  const spread = termFrequencies(sentences.flatMap((s) => [...new Set(s.terms)]));
  const summary = summarize(
    sentences.map((s, index) => ({ text: s.text, terms: s.terms, wordCount: s.tokens.length, hasFigure: sentencesWithFigures.has(index) })),
    spread,
    summaryLength,
  );
  const common = { summary, key_metrics: keyMetrics(figures) };
  const wordCount = allTokens.length;
  const sentenceCount = sentences.length;
  const averageSentenceLength = round1(wordCount / Math.max(1, sentenceCount));

  switch (level) {
    case 'basic':
      return { analysis_level: level, ...common, statistics: { word_count: wordCount, sentence_count: sentenceCount } };
    case 'detailed':
      return {
        analysis_level: level,
        ...common,
        statistics: { word_count: wordCount, sentence_count: sentenceCount, average_sentence_length: averageSentenceLength },
        top_terms: topTerms(frequencies, TOP_TERMS.detailed),
      };
    case 'comprehensive':
      return {
        analysis_level: level,
        ...common,
        statistics: {
          word_count: wordCount,
          sentence_count: sentenceCount,
          paragraph_count: new Set(sentences.map((s) => s.paragraph)).size,
          character_count: text.trim().length,
          unique_word_count: new Set(allTokens.map((t) => t.toLowerCase())).size,
          average_sentence_length: averageSentenceLength,
          average_word_length: round1(allTokens.reduce((sum, t) => sum + t.length, 0) / Math.max(1, wordCount)),
          reading_time_minutes: Math.max(1, Math.ceil(wordCount / WORDS_PER_MINUTE)),
        },
        top_terms: topTerms(frequencies, TOP_TERMS.comprehensive),
        monetary_figures: figures.filter((f) => f.kind === 'money').slice(0, MAX_LISTED_FIGURES).map(toMonetary),
        percentages: figures.filter((f) => f.kind === 'percentage').slice(0, MAX_LISTED_FIGURES).map(toPercentage),
      };
  }
}

function toMonetary(f: Figure): MonetaryFigure {
  return { label: f.label, value: f.value, amount: f.amount, currency: f.currency ?? 'USD', text: f.text };
}

function toPercentage(f: Figure): PercentageFigure {
  return { label: f.label, value: f.value, amount: f.amount, text: f.text };
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}
