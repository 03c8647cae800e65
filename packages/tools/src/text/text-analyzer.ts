import { z } from 'zod';
import { defineTool } from '../tool-definition';
import { analyzeText } from './analyze-text';
import { AnalysisLevel, TextAnalysis } from './text-analysis';

export const TextAnalyzerParams = z.object({
  text: z
    .string()
    .refine((text) => /[\p{L}\p{N}]/u.test(text), 'must contain words')
    .describe('The text to analyse, e.g. the extracted_text of pdf_extractor.'),
  analysis_level: AnalysisLevel.default('basic').describe(
    "'basic': a short extractive summary, key metrics and counts; 'detailed': adds every labelled amount, percentage " +
      "and date with its sentence, top terms and more statistics; 'comprehensive': adds a summary per section and " +
      "readability scores. Defaults to 'basic'.",
  ),
});
export type TextAnalyzerParams = z.infer<typeof TextAnalyzerParams>;

export const TextAnalyzerOutputs = z.object({
  analysis_results: TextAnalysis.describe('The analysis; its fields depend on analysis_level.'),
});
export type TextAnalyzerOutputs = z.infer<typeof TextAnalyzerOutputs>;

/** Summarises a text and pulls out its figures, deterministically. */
export const textAnalyzer = defineTool({
  tool_id: 'text_analyzer',
  name: 'Text Analysis Tool',
  description:
    'Analyses a text without any model or network, the same way every time: an extractive summary that prefers the ' +
    "document's own summary section, key metrics (amounts and percentages labelled by what they measure, e.g. revenue " +
    '"10.5M", growth "15%"), counts, and at higher levels dates, top terms, section summaries and readability scores.',
  version: '2.0.0',
  params: TextAnalyzerParams,
  outputs: TextAnalyzerOutputs,
  // The analysis is synchronous: on a text of several MB it holds the event loop for a few
  // seconds (2.3-3.8 s on 3.5 MB with the machine's 2 cores loaded 4 times over), during
  // which the activity layer cannot heartbeat. The price: an attempt on a crashed worker is
  // retried after 60 s, not the platform's 15 s, until the analysis runs off the event loop.
  defaults: { heartbeat_timeout_seconds: 60 },
  run({ text, analysis_level }, ctx) {
    ctx.progress(`Analysing ${text.length} characters (${analysis_level})`);
    return Promise.resolve({ analysis_results: analyzeText(text, analysis_level) });
  },
});
