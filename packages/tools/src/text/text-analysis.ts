import { z } from 'zod';
import { Readability } from './readability';
import { TermCount } from './term-frequency';

/** How deep `text_analyzer` goes; each level adds to the one before. */
export const AnalysisLevel = z.enum(['basic', 'detailed', 'comprehensive']);
export type AnalysisLevel = z.infer<typeof AnalysisLevel>;

const page = z
  .number()
  .int()
  .positive()
  .nullable()
  .describe('The 1-based page it is on, where the text marks pages with form feeds; null where it does not.');

/** A figure found in the text, labelled by what it measures, with the sentence that states it. */
export const Metric = z.object({
  label: z.string().describe('What the figure measures, e.g. revenue, growth, net_income, payment_date.'),
  value: z
    .string()
    .describe('Normalised: "10.5M" (US dollars), "€2.3B", "15%", or an ISO date "2024-03-15" / "2024-03".'),
  kind: z.enum(['amount', 'percentage', 'date']),
  sentence: z.string().describe('The sentence or table row it was found in (long ones cut at 300 characters).'),
  page: page,
});
export type Metric = z.infer<typeof Metric>;

const count = (what: string) => z.number().int().nonnegative().describe(what);

/** Counts every level reports. */
export const BasicStatistics = z.object({
  word_count: count('Words, numbers included.'),
  sentence_count: count('Sentences, list items and table rows, headings not included.'),
  paragraph_count: count('Blocks of text separated by blank lines.'),
  character_count: count('Characters (Unicode code points) of the text without leading and trailing white space.'),
});
export type BasicStatistics = z.infer<typeof BasicStatistics>;

/** Counts and averages of the detailed and comprehensive levels. */
export const DetailedStatistics = BasicStatistics.extend({
  unique_word_count: count('Distinct words, case-insensitively.'),
  section_count: count('Sections: text under a heading, or before the first heading.'),
  average_sentence_length: z.number().describe('Words per sentence.'),
  average_word_length: z.number().describe('Characters per word.'),
  reading_time_minutes: z.number().int().positive().describe('At 200 words a minute, rounded up.'),
});
export type DetailedStatistics = z.infer<typeof DetailedStatistics>;

/** The summary of one section of the text. */
export const SectionSummary = z.object({
  heading: z.string().nullable().describe('The heading of the section; null for text before the first heading.'),
  summary: z.string().describe("The section's most representative sentence or two."),
  sentence_count: count('Sentences in the section.'),
});
export type SectionSummary = z.infer<typeof SectionSummary>;

const summary = z
  .string()
  .describe(
    "Extractive summary: the most representative sentences, in their original order, preferring the document's own " +
      'summary section and early sentences and leaving out appendix and boilerplate text.',
  );
const keyMetrics = z
  .record(z.string(), z.string())
  .describe(
    'One figure per label, e.g. { "revenue": "10.5M", "growth": "15%" }, only where a label in a financial context ' +
      'names it: a table or form row ("Net income $ 7,788", "Total $ 279.84"; the key is a known metric\'s name or the ' +
      'row\'s label in snake case) or a sentence ("revenue rose 12% to $4.1bn"); empty for a text that states no amount ' +
      'of money. The first one stated, unless a later one states a total, annual, full-year, consolidated, overall or ' +
      "final one, of which the last wins. A table row's figure is its current period's column where the header names " +
      'periods ("2023 2022 % Change"), and the revenue\'s change column is growth. A label is qualified where the ' +
      'document states several figures for it: "adjusted_eps" beside "eps", "revenue_guidance" for a figure it expects ' +
      '(under a guidance or outlook heading, or after "expects"), "revenue_forecast" for an analyst\'s own in a note ' +
      'stating a target price, and "<label>_<period>" for a figure of another period ("ebita_2024", ' +
      '"eps_full_year", "revenue_prior_year"). Amounts (with the table\'s unit, e.g. "In millions"; a range as ' +
      '"€9M–€11M"), percentages (rates only) and counts or ratios named as such ("headcount": "71469").',
  );

/** Where a key metric was read. */
export const KeyMetricEvidence = z.object({
  value: z.string().describe('The value, as in key_metrics.'),
  evidence: z.string().describe('The sentence or table row that states it (long ones cut at 300 characters).'),
  page,
});
export type KeyMetricEvidence = z.infer<typeof KeyMetricEvidence>;

const keyMetricEvidence = z
  .record(z.string(), KeyMetricEvidence)
  .describe('For each key of key_metrics, the sentence or row it was read from and its page.');
const language = z
  .string()
  .describe('The main language of the text, ISO 639-1 ("en", "de", "ja"), or "und" when it cannot be told.');

export const BasicAnalysis = z.object({
  analysis_level: z.literal('basic'),
  summary,
  key_metrics: keyMetrics,
  statistics: BasicStatistics,
  language,
  key_metric_evidence: keyMetricEvidence,
});
export type BasicAnalysis = z.infer<typeof BasicAnalysis>;

export const DetailedAnalysis = z.object({
  analysis_level: z.literal('detailed'),
  summary,
  key_metrics: keyMetrics,
  statistics: DetailedStatistics,
  language,
  key_metric_evidence: keyMetricEvidence,
  metrics: z
    .array(Metric)
    .describe(
      'Labelled amounts, percentages and dates in document order: those behind key_metrics and the first others, at most 50.',
    ),
  top_terms: z.array(TermCount).describe('The most frequent content words, most frequent first.'),
});
export type DetailedAnalysis = z.infer<typeof DetailedAnalysis>;

export const ComprehensiveAnalysis = DetailedAnalysis.extend({
  analysis_level: z.literal('comprehensive'),
  sections: z
    .array(SectionSummary)
    .describe('A summary of each section, in order; the first 100 sections (statistics.section_count has them all).'),
  readability: Readability,
});
export type ComprehensiveAnalysis = z.infer<typeof ComprehensiveAnalysis>;

/** The `analysis_results` output of `text_analyzer`, by `analysis_level`. */
export const TextAnalysis = z.discriminatedUnion('analysis_level', [
  BasicAnalysis,
  DetailedAnalysis,
  ComprehensiveAnalysis,
]);
export type TextAnalysis = z.infer<typeof TextAnalysis>;
