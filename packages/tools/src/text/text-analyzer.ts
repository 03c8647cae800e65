import { z } from 'zod';
import { defineTool } from '../tool-definition';
import { analyzeText } from './analyze-text';

export const TextAnalyzerParams = z.object({
  text: z
    .string()
    .refine((text) => /[\p{L}\p{N}]/u.test(text), 'must contain words')
    .describe('The text to analyse, e.g. the extracted_text of pdf_extractor.'),
  analysis_level: z
    .enum(['basic', 'detailed', 'comprehensive'])
    .default('basic')
    .describe(
      "'basic': short summary, key metrics, word and sentence counts; 'detailed': longer summary and top terms; " +
        "'comprehensive': adds full statistics and every amount and percentage found. Defaults to 'basic'.",
    ),
});
export type TextAnalyzerParams = z.infer<typeof TextAnalyzerParams>;

/** Summarises a text and pulls out its financial figures. */
export const textAnalyzer = defineTool({
  tool_id: 'text_analyzer',
  name: 'Text Analysis Tool',
  description:
    'Analyses a text: an extractive summary, key metrics (amounts and percentages labelled by what they measure, ' +
    'e.g. revenue "10.5M", growth "15%") and statistics, in more depth at higher analysis levels.',
  version: '1.1.0',
  outputs: z.object({ analysis_results: z.record(z.string(), z.unknown()).describe('The analysis: summary, key_metrics and statistics.') }),
  params: TextAnalyzerParams,
  run({ text, analysis_level }, { progress }) {
    progress(`Analysing ${text.length} characters (${analysis_level})`);
    return Promise.resolve({ analysis_results: analyzeText(text, analysis_level) as unknown as Record<string, unknown> });
  },
});
