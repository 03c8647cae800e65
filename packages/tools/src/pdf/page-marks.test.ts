import { describe, expect, it } from 'vitest';
import { makePdf } from '@ordo/testing';
import { memoryFiles } from '../testing-context';
import { runTool } from '../testing/run-tool';
import type { DetailedAnalysis } from '../text/text-analysis';
import { textAnalyzer } from '../text/text-analyzer';
import { pdfExtractor } from './pdf-extractor';

const REVENUE = 'Revenue reached $10.5 million in the fourth quarter, up 15% from the same quarter last year.';

/** Four pages: the revenue sentence on page 3, page 2 without any text. */
const pages = [
  ['Northwind Traders Quarterly Report', 'The company sells tea and coffee to shops across the region.'],
  [],
  ['Results', REVENUE],
  ['Outlook', 'The company plans to open two new warehouses next spring.'],
];

/** pdf_extractor then text_analyzer, as seed 002's two steps run them (each through the activity layer). */
async function revenuePage(params: Record<string, unknown>): Promise<{ text: string; analysis: DetailedAnalysis }> {
  const files = memoryFiles({ file_report: { bytes: await makePdf(pages) } });
  const extracted = await runTool(
    pdfExtractor,
    // ocr: never: page 2 stays without text (OCR would find none on it, only slower).
    { input_file: { file_id: 'file_report', name: 'report.pdf' }, ocr: 'never', ...params },
    { files },
  );
  const text = extracted.extracted_text as string;
  const analysed = await runTool(textAnalyzer, { text, analysis_level: 'detailed' });
  return { text, analysis: analysed.analysis_results as DetailedAnalysis };
}

// Both tools run in their threads: a first run loads their modules there.
describe('page marks: pdf_extractor to text_analyzer', { timeout: 60_000 }, () => {
  it('gives a key metric on page 3 its page, a page without text still counted', async () => {
    const { text, analysis } = await revenuePage({});
    expect(text).toContain(
      `The company sells tea and coffee to shops across the region.\n\f\fResults\n${REVENUE}\n\fOutlook`,
    );
    expect(analysis.key_metric_evidence.revenue).toEqual({ value: '10.5M', evidence: REVENUE, page: 3 });
    expect(analysis.metrics.find((m) => m.label === 'revenue')).toMatchObject({ value: '10.5M', page: 3 });
  });

  it("keeps the page's number when only some pages are read", async () => {
    const { text, analysis } = await revenuePage({ extraction_mode: 'pages', pages: '3-4' });
    expect(text.startsWith(`\f\fResults\n${REVENUE}`)).toBe(true);
    expect(analysis.key_metric_evidence.revenue).toEqual({ value: '10.5M', evidence: REVENUE, page: 3 });
  });
});
