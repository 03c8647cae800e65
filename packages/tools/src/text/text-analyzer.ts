import { z } from 'zod';
import { MAX_TEXT_CHARS } from '../text-limit';
import { defineTool } from '../tool-definition';
import { ToolError } from '../tool-error';
import { analyzeText } from './analyze-text';
import { AnalysisLevel, TextAnalysis } from './text-analysis';

export const TextAnalyzerParams = z.object({
  text: z
    .string()
    .refine((text) => /[\p{L}\p{N}]/u.test(text), 'must contain words')
    .describe(`The text to analyse, e.g. the extracted_text of pdf_extractor; at most ${MAX_TEXT_CHARS} characters.`),
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

/** text_analyzer's thread heap: analysing `MAX_TEXT_CHARS` characters takes about 450 MiB. */
export const TEXT_ANALYZER_MEMORY_MIB = 1024;

/** Summarises a text and pulls out its figures, deterministically. */
export const textAnalyzer = defineTool({
  tool_id: 'text_analyzer',
  name: 'Text Analysis Tool',
  description:
    'Analyses a text without any model or network, the same way every time: its language, an extractive summary ' +
    '(TextRank over the sentences Intl.Segmenter finds, boilerplate such as table rows, running headers, page ' +
    'numbers and form instructions left out), key metrics only where a label in a financial context names them ' +
    '(e.g. revenue "10.5M", growth "15%", a table row "Net income $ 7,788"), each with the sentence or row it was ' +
    'read from, counts, and at higher levels dates, top terms, section summaries and readability scores.',
  // 3.1.0: more key metrics, same contract: figures stated in prose through a clause or a copula,
  // ranges, cents, counts and ratios, highlights tiles, another period's figure as
  // `<label>_<period>`, an analyst's `<label>_forecast`, invoices' and ledgers' rows, a matrix's
  // total row by its columns' names (docs/design/documents.md).
  version: '3.1.0',
  parameters: TextAnalyzerParams,
  outputs: TextAnalyzerOutputs,
  // No heartbeat timeout of its own: the platform's 15 s is how soon an attempt on a crashed
  // worker is retried. The work runs in a thread of its own (below), so the activity
  // heartbeats every 2 s however long the tool computes.
  thread: { module: import.meta.url, memoryLimitMiB: TEXT_ANALYZER_MEMORY_MIB },
  run({ text, analysis_level }, ctx) {
    if (text.length > MAX_TEXT_CHARS) {
      throw new ToolError(
        'TEXT_TOO_LARGE',
        `text: ${text.length} characters, over text_analyzer's limit of ${MAX_TEXT_CHARS} characters`,
      );
    }
    ctx.progress(`Analysing ${text.length} characters (${analysis_level})`);
    return Promise.resolve({ analysis_results: analyzeText(text, analysis_level) });
  },
});
