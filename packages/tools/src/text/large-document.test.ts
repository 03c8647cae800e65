import { describe, expect, it } from 'vitest';
import { analyzeText } from './analyze-text';
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
      const extracted = await pdfExtractor.run(
        PdfExtractorParams.parse({ input_file: { file_id: 'ledger', name: 'ledger.pdf' } }),
        ctx,
      );
      expect(extracted.page_count).toBe(LARGE_LAST_PAGE.pageCount);
      expect(extracted.pages_read).toBe(LARGE_LAST_PAGE.pageCount);
      expect(Buffer.byteLength(extracted.extracted_text)).toBeGreaterThan(3_000_000);
      expect(ctx.progressReports).toHaveLength(LARGE_LAST_PAGE.pageCount);
      expect(ctx.progressReports.at(-1)).toEqual({
        message: `Processing page ${LARGE_LAST_PAGE.pageCount} of ${LARGE_LAST_PAGE.pageCount}`,
        fraction: 1,
      });
      expect(extracted.extracted_text.replace(/\s+/g, ' ')).toContain(LARGE_LAST_PAGE.sentence);

      const outputs = await textAnalyzer.run(
        TextAnalyzerParams.parse({ text: extracted.extracted_text, analysis_level: 'comprehensive' }),
        testingContext(),
      );
      const analysis = TextAnalyzerOutputs.parse(outputs).analysis_results as ComprehensiveAnalysis;
      // Every week of the ledger states a revenue and a growth figure; only the last page states the year's.
      expect(analysis.key_metrics).toMatchObject({
        revenue: LARGE_LAST_PAGE.revenue,
        growth: LARGE_LAST_PAGE.growth,
        net_income: LARGE_LAST_PAGE.netIncome,
      });
      expect(analysis.metrics).toContainEqual({
        label: 'revenue',
        value: LARGE_LAST_PAGE.revenue,
        kind: 'amount',
        sentence: LARGE_LAST_PAGE.sentence,
        // pdf_extractor's form feeds give each metric its page: the last.
        page: LARGE_LAST_PAGE.pageCount,
      });
      expect(analysis.metrics).toContainEqual({
        label: 'net_income',
        value: LARGE_LAST_PAGE.netIncome,
        kind: 'amount',
        sentence: LARGE_LAST_PAGE.netIncomeSentence,
        page: LARGE_LAST_PAGE.pageCount,
      });
      expect(analysis.metrics.length).toBeLessThanOrEqual(50);
      expect(analysis.sections).toHaveLength(100);
      expect(analysis.statistics.section_count).toBe(LARGE_LAST_PAGE.pageCount);
      // The outputs stay small however large the document: the text itself is not repeated.
      expect(JSON.stringify(analysis).length).toBeLessThan(100_000);
    },
    TIMEOUT_MS,
  );
});

describe('text built to defeat the analysis', () => {
  // Each of these took minutes before (a segment's lines re-scanned and copied for every line
  // joined, every figure measured against every keyword of its sentence, an abbreviation
  // looked up from the sentence's start): the analysis must stay linear in the text.
  const MIB = 1024 * 1024;
  const fill = (unit: string, size: number): string => unit.repeat(Math.ceil(size / unit.length)).slice(0, size);

  it.each([
    [
      '3 MiB of figures and keywords that never end a sentence',
      fill('revenue grew $1.5 million and margin 5% ', 3 * MIB),
    ],
    ['a paragraph of 70,000 wrapped lines', fill('Revenue grew 15% to $10.5 million in the third\n', 3 * MIB)],
    ['3 MiB of abbreviations that never end a sentence', fill('Acme Inc. Acme Inc. ', 3 * MIB)],
  ])('analyses %s within a minute of CPU', { timeout: 180_000 }, (_, text) => {
    // CPU time, not wall time: other processes on a busy machine do not count against it.
    const cpu = process.cpuUsage();
    const analysis = analyzeText(text, 'comprehensive');
    const used = process.cpuUsage(cpu);
    expect(analysis.statistics.word_count).toBeGreaterThan(100_000);
    expect((used.user + used.system) / 1_000).toBeLessThan(60_000);
  });
});
