import { describe, expect, it } from 'vitest';
import { pdfFixture } from '../../fixtures/pdf-fixtures';
import { LARGE_LAST_PAGE } from '../../fixtures/postscript';
import { pdfExtractor, PdfExtractorParams } from '../pdf/pdf-extractor';
import { memoryFiles, testingContext } from '../testing-context';
import type { ComprehensiveAnalysis } from './text-analysis';
import { textAnalyzer, TextAnalyzerOutputs, TextAnalyzerParams } from './text-analyzer';

// Generating (once, then cached), extracting and analysing 1,100 pages takes 10-20 s on
// a quiet 2-core machine; the margin is for a busy one.
const TIMEOUT_MS = 180_000;

describe('a document of more than 1,000 pages and 3 MB of text', () => {
  it(
    'is extracted page by page and analysed, its key metrics taken from the totals on its last page',
    async () => {
      const ctx = testingContext({ files: memoryFiles({ ledger: { bytes: pdfFixture('large-report') } }) });
      const extracted = await pdfExtractor.run(PdfExtractorParams.parse({ input_file: { file_id: 'ledger', name: 'ledger.pdf' } }), ctx);
      expect(extracted.page_count).toBe(LARGE_LAST_PAGE.pageCount);
      expect(extracted.pages_read).toBe(LARGE_LAST_PAGE.pageCount);
      expect(Buffer.byteLength(extracted.extracted_text)).toBeGreaterThan(3_000_000);
      expect(ctx.progressReports).toHaveLength(LARGE_LAST_PAGE.pageCount);
      expect(ctx.progressReports.at(-1)).toEqual({ message: `Processing page ${LARGE_LAST_PAGE.pageCount} of ${LARGE_LAST_PAGE.pageCount}`, fraction: 1 });
      expect(extracted.extracted_text.replace(/\s+/g, ' ')).toContain(LARGE_LAST_PAGE.sentence);

      const outputs = await textAnalyzer.run(TextAnalyzerParams.parse({ text: extracted.extracted_text, analysis_level: 'comprehensive' }), testingContext());
      const analysis = TextAnalyzerOutputs.parse(outputs).analysis_results as ComprehensiveAnalysis;
      // Every week of the ledger states a revenue and a growth figure; only the last page states the year's.
      expect(analysis.key_metrics).toMatchObject({
        revenue: LARGE_LAST_PAGE.revenue,
        growth: LARGE_LAST_PAGE.growth,
        net_income: LARGE_LAST_PAGE.netIncome,
      });
      expect(analysis.metrics).toContainEqual({ label: 'revenue', value: LARGE_LAST_PAGE.revenue, kind: 'amount', sentence: LARGE_LAST_PAGE.sentence });
      expect(analysis.metrics).toContainEqual({ label: 'net_income', value: LARGE_LAST_PAGE.netIncome, kind: 'amount', sentence: LARGE_LAST_PAGE.netIncomeSentence });
      expect(analysis.metrics.length).toBeLessThanOrEqual(50);
      expect(analysis.sections).toHaveLength(100);
      expect(analysis.statistics.section_count).toBe(LARGE_LAST_PAGE.pageCount);
      // The outputs stay small however large the document: the text itself is not repeated.
      expect(JSON.stringify(analysis).length).toBeLessThan(100_000);
    },
    TIMEOUT_MS,
  );
});
