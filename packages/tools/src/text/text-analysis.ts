import { z } from 'zod';
import { Readability } from './readability';
import { TermCount } from './term-frequency';

/** How deep `text_analyzer` goes; each level adds to the one before. */
export const AnalysisLevel = z.enum(['basic', 'detailed', 'comprehensive']);
export type AnalysisLevel = z.infer<typeof AnalysisLevel>;

/** A figure found in the text, labelled by what it measures, with the sentence that states it. */
export const Metric = z.object({
  label: z.string().describe('What the figure measures, e.g. revenue, growth, net_income, payment_date.'),
  value: z
    .string()
    .describe('Normalised: "10.5M" (US dollars), "€2.3B", "15%", or an ISO date "2024-03-15" / "2024-03".'),
  kind: z.enum(['amount', 'percentage', 'date']),
  sentence: z.string().describe('The sentence it was found in (long ones cut at 300 characters).'),
});
export type Metric = z.infer<typeof Metric>;

const count = (what: string) => z.number().int().nonnegative().describe(what);

/** Counts every level reports. */
export const BasicStatistics = z.object({
  word_count: count('Words, numbers included.'),
  sentence_count: count('Sentences and list items, headings not included.'),
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
    'One figure per label, e.g. { "revenue": "10.5M", "growth": "15%" }: the first one stated, unless a later sentence ' +
      'states a total, annual, full-year, consolidated, overall or final one, of which the last wins. Amounts and percentages.',
  );

export const BasicAnalysis = z.object({
  analysis_level: z.literal('basic'),
  summary,
  key_metrics: keyMetrics,
  statistics: BasicStatistics,
});
export type BasicAnalysis = z.infer<typeof BasicAnalysis>;

export const DetailedAnalysis = z.object({
  analysis_level: z.literal('detailed'),
  summary,
  key_metrics: keyMetrics,
  statistics: DetailedStatistics,
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
