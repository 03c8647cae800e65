import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { pdfFixture } from '../../fixtures/pdf-fixtures';
import { REPORT_APPENDIX, REPORT_EXECUTIVE_SUMMARY } from '../../fixtures/postscript';
import { pdfExtractor, PdfExtractorParams } from '../pdf/pdf-extractor';
import { memoryFiles, testingContext } from '../testing-context';
import { MAX_TEXT_CHARS } from '../text-limit';
import { ToolError } from '../tool-error';
import type { BasicAnalysis, ComprehensiveAnalysis, DetailedAnalysis, TextAnalysis } from './text-analysis';
import { textAnalyzer, TextAnalyzerOutputs, TextAnalyzerParams } from './text-analyzer';

const Q4_REPORT = `Financial Report Q4 2023

Executive Summary
Revenue reached $10.5 million in the fourth quarter, up 15% from the same quarter last year. Net income
was $2.1 million, while operating expenses rose to $4.2 million. The company grew its customer base by
1,200 accounts and expanded into two new markets.

Gross margin improved to 42% as costs fell. EBITDA of $3.4 million reflects disciplined spending.
Acme Inc. expects revenue growth of 12% in 2024. Cash and cash equivalents totaled $750,000 at year end.`;

const PARK_NEWS = `The city council met on Tuesday to discuss the new park. Residents asked for more trees and a playground.
The council agreed to plant trees along the river. Construction of the playground starts in spring.
Dr. Smith, who chairs the parks committee, said the park will open next summer. Unemployment in the area
declined 2.5 percent last year.`;

// The report's sentences as the analyzer sees them: wrapped lines joined, headings on their own.
const REPORT_SENTENCES = [
  'Revenue reached $10.5 million in the fourth quarter, up 15% from the same quarter last year.',
  'Net income was $2.1 million, while operating expenses rose to $4.2 million.',
  'The company grew its customer base by 1,200 accounts and expanded into two new markets.',
  'Gross margin improved to 42% as costs fell.',
  'EBITDA of $3.4 million reflects disciplined spending.',
  'Acme Inc. expects revenue growth of 12% in 2024.',
  'Cash and cash equivalents totaled $750,000 at year end.',
];

/** Runs the tool as the activity layer would: parameters through the schema, outputs checked against theirs. */
async function analyse(raw: Record<string, unknown>): Promise<TextAnalysis> {
  const outputs = await textAnalyzer.run(TextAnalyzerParams.parse(raw), testingContext());
  return TextAnalyzerOutputs.parse(outputs).analysis_results;
}

/** The summary's sentences, each one of the report's, in the report's order. */
function summarySentences(summary: string): string[] {
  const picked = REPORT_SENTENCES.filter((s) => summary.includes(s));
  expect(picked.join(' ')).toBe(summary);
  return picked;
}

function paramProblems(raw: Record<string, unknown>): string[] {
  const parsed = TextAnalyzerParams.safeParse(raw);
  return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('text_analyzer', () => {
  it('defaults to a basic analysis: short summary, key metrics, counts', async () => {
    const result = (await analyse({ text: Q4_REPORT })) as BasicAnalysis;
    expect(result.analysis_level).toBe('basic');
    const picked = summarySentences(result.summary);
    expect(picked).toHaveLength(2);
    expect(picked[0]).toBe(REPORT_SENTENCES[0]);
    expect(result.key_metrics).toMatchObject({ revenue: '10.5M', growth: '15%' });
    expect(result.statistics).toEqual({
      word_count: 82,
      sentence_count: 7,
      paragraph_count: 3,
      character_count: Q4_REPORT.length,
    });
    expect(Object.keys(result).sort()).toEqual([
      'analysis_level',
      'key_metric_evidence',
      'key_metrics',
      'language',
      'statistics',
      'summary',
    ]);
    expect(result.language).toBe('en');
    expect(result.key_metric_evidence.revenue).toEqual({ value: '10.5M', evidence: REPORT_SENTENCES[0], page: null });
  });

  it("labels amounts and percentages by what they measure, keeping seed 002's key_metrics shape", async () => {
    const result = await analyse({ text: Q4_REPORT, analysis_level: 'detailed' });
    expect(result.key_metrics).toEqual({
      revenue: '10.5M',
      growth: '15%',
      net_income: '2.1M',
      operating_expenses: '4.2M',
      gross_margin: '42%',
      ebitda: '3.4M',
      // "Acme Inc. expects revenue growth of 12% in 2024": expected, beside the 15% reported.
      growth_guidance: '12%',
      cash: '750K',
    });
  });

  it('lists each labelled figure with its kind and the sentence it came from at the detailed level', async () => {
    const result = (await analyse({ text: Q4_REPORT, analysis_level: 'detailed' })) as DetailedAnalysis;
    expect(result.metrics).toEqual([
      { label: 'revenue', value: '10.5M', kind: 'amount', sentence: REPORT_SENTENCES[0], page: null },
      { label: 'growth', value: '15%', kind: 'percentage', sentence: REPORT_SENTENCES[0], page: null },
      { label: 'net_income', value: '2.1M', kind: 'amount', sentence: REPORT_SENTENCES[1], page: null },
      { label: 'operating_expenses', value: '4.2M', kind: 'amount', sentence: REPORT_SENTENCES[1], page: null },
      { label: 'gross_margin', value: '42%', kind: 'percentage', sentence: REPORT_SENTENCES[3], page: null },
      { label: 'ebitda', value: '3.4M', kind: 'amount', sentence: REPORT_SENTENCES[4], page: null },
      { label: 'growth_guidance', value: '12%', kind: 'percentage', sentence: REPORT_SENTENCES[5], page: null },
      { label: 'cash', value: '750K', kind: 'amount', sentence: REPORT_SENTENCES[6], page: null },
    ]);
    expect(result.top_terms).toHaveLength(5);
    expect(result.top_terms[0]).toEqual({ term: 'revenue', count: 2 });
    expect(result.statistics).toMatchObject({
      word_count: 82,
      sentence_count: 7,
      section_count: 1,
      average_sentence_length: 10.9,
    });
  });

  it('derives everything from the text: different documents, different results', async () => {
    const report = await analyse({ text: Q4_REPORT, analysis_level: 'detailed' });
    const news = (await analyse({ text: PARK_NEWS, analysis_level: 'detailed' })) as DetailedAnalysis;
    expect(news.summary).not.toBe(report.summary);
    expect(news.summary).toMatch(/park/);
    // Unemployment's decline is no figure of a business.
    expect(news.key_metrics).toEqual({});
    expect(news.top_terms.map((t) => t.term)).toEqual(expect.arrayContaining(['council', 'park']));
    expect(news.statistics.sentence_count).toBe(6);
  });

  it('gives longer summaries and more detail at higher levels, each keeping what the level below chose', async () => {
    const basic = await analyse({ text: Q4_REPORT, analysis_level: 'basic' });
    const detailed = (await analyse({ text: Q4_REPORT, analysis_level: 'detailed' })) as DetailedAnalysis;
    const comprehensive = (await analyse({
      text: Q4_REPORT,
      analysis_level: 'comprehensive',
    })) as ComprehensiveAnalysis;
    const [fromBasic, fromDetailed, fromComprehensive] = [basic, detailed, comprehensive].map((r) =>
      summarySentences(r.summary),
    );
    expect(fromBasic).toHaveLength(2);
    expect(fromDetailed).toHaveLength(3);
    expect(fromComprehensive).toHaveLength(5);
    expect(fromDetailed).toEqual(expect.arrayContaining(fromBasic!));
    expect(fromComprehensive).toEqual(expect.arrayContaining(fromDetailed!));

    expect(basic).not.toHaveProperty('top_terms');
    expect(detailed).not.toHaveProperty('sections');
    expect(comprehensive.top_terms.length).toBeGreaterThan(5);
    expect(comprehensive.sections).toEqual([
      { heading: 'Executive Summary', summary: REPORT_SENTENCES[0], sentence_count: 7 },
    ]);
    expect(comprehensive.readability.flesch_reading_ease).toBeGreaterThan(0);
    expect(comprehensive.readability.flesch_kincaid_grade).toBeGreaterThan(0);
  });

  it('gives a one-sentence summary of a short text, its lead', async () => {
    const result = await analyse({ text: 'Profit rose sharply this quarter. Sales grew 8% and margins held steady.' });
    expect(result.summary).toBe('Profit rose sharply this quarter.');
    expect(result.key_metrics).toEqual({ growth: '8%' });
  });

  it('prefers complete sentences over headings', async () => {
    const text =
      'Northwind Traders Annual Report 2031\nRevenue reached $42.7 million this year.\n\nOperating margin improved and customer growth was 23% across all regions.';
    const result = await analyse({ text, analysis_level: 'detailed' });
    expect(result.summary).toBe(
      'Revenue reached $42.7 million this year. Operating margin improved and customer growth was 23% across all regions.',
    );
    expect(result.key_metrics).toEqual({ revenue: '42.7M', growth: '23%' });
  });

  it('summarises text without sentence punctuation', async () => {
    expect((await analyse({ text: 'quarterly revenue update' })).summary).toBe('quarterly revenue update');
  });

  it('is deterministic and returns plain JSON', async () => {
    const first = await analyse({ text: Q4_REPORT, analysis_level: 'comprehensive' });
    expect(await analyse({ text: Q4_REPORT, analysis_level: 'comprehensive' })).toEqual(first);
    expect(JSON.parse(JSON.stringify(first))).toEqual(first);
  });

  it('reports progress once', async () => {
    const ctx = testingContext();
    await textAnalyzer.run(TextAnalyzerParams.parse({ text: PARK_NEWS }), ctx);
    expect(ctx.progressReports).toEqual([{ message: `Analysing ${PARK_NEWS.length} characters (basic)` }]);
  });

  it(`refuses more than ${MAX_TEXT_CHARS} characters for good, before analysing any`, async () => {
    const err = await analyse({ text: 'word '.repeat(MAX_TEXT_CHARS / 5) + 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ToolError);
    expect([(err as ToolError).code, (err as ToolError).retryable, (err as ToolError).message]).toEqual([
      'TEXT_TOO_LARGE',
      false,
      `text: ${MAX_TEXT_CHARS + 1} characters, over text_analyzer's limit of ${MAX_TEXT_CHARS} characters`,
    ]);
  });

  it('describes its outputs precisely enough for a useful JSON Schema', () => {
    const schema = z.toJSONSchema(TextAnalyzerOutputs, { io: 'output' });
    expect(schema).toMatchObject({ properties: { analysis_results: { oneOf: [{}, {}, {}] } } });
    expect(JSON.stringify(schema)).toContain('"flesch_reading_ease"');
  });

  it.each([
    [{}, 'text: Invalid input: expected string, received undefined'],
    [{ text: '' }, 'text: must contain words'],
    [{ text: '  \n\t ' }, 'text: must contain words'],
    [{ text: 42 }, 'text: Invalid input: expected string, received number'],
    [
      { text: 'Fine.', analysis_level: 'deep' },
      'analysis_level: Invalid option: expected one of "basic"|"detailed"|"comprehensive"',
    ],
  ])('rejects %j, naming the parameter', (params, message) => {
    expect(paramProblems(params)).toEqual([message]);
  });
});

describe('text_analyzer on the financial report fixture', () => {
  let text: string;

  beforeAll(async () => {
    const ctx = testingContext({ files: memoryFiles({ report: { bytes: pdfFixture('financial-report') } }) });
    const outputs = await pdfExtractor.run(
      PdfExtractorParams.parse({ input_file: { file_id: 'report', name: 'report.pdf' } }),
      ctx,
    );
    text = outputs.extracted_text;
  });

  it.each(['basic', 'detailed', 'comprehensive'] as const)(
    'summarises it like its executive summary, quoting no appendix line (%s)',
    async (analysis_level) => {
      const { summary } = await analyse({ text, analysis_level });
      expect(summary.startsWith(REPORT_EXECUTIVE_SUMMARY[0])).toBe(true);
      // Basic (two sentences) and detailed (three) quote the executive summary only; comprehensive all of it and more.
      const fromSummary = REPORT_EXECUTIVE_SUMMARY.filter((sentence) => summary.includes(sentence));
      if (analysis_level === 'basic') expect(fromSummary.join(' ')).toBe(summary);
      else expect(fromSummary).toEqual(REPORT_EXECUTIVE_SUMMARY);
      if (analysis_level === 'detailed') expect(summary).toBe(REPORT_EXECUTIVE_SUMMARY.join(' '));
      for (const line of REPORT_APPENDIX) expect(summary).not.toContain(line);
      expect(summary).not.toMatch(/appendix|glossary|intentionally left blank/i);
    },
  );

  it('finds its figures and dates, each with its sentence', async () => {
    const result = (await analyse({ text, analysis_level: 'detailed' })) as DetailedAnalysis;
    expect(result.key_metrics).toMatchObject({
      revenue: '10.5M',
      growth: '15%',
      net_income: '2.1M',
      gross_margin: '42%',
      cash: '6.8M',
    });
    expect(result.metrics).toContainEqual({
      label: 'payment_date',
      value: '2024-03-15',
      kind: 'date',
      sentence: 'The board approved a dividend of $0.20 per share, payable on March 15, 2024.',
      // pdf_extractor marks pages with form feeds, as pdftotext does: the sentence is on page 2.
      page: 2,
    });
  });

  it('summarises each section and scores its readability at the comprehensive level', async () => {
    const result = (await analyse({ text, analysis_level: 'comprehensive' })) as ComprehensiveAnalysis;
    expect(result.sections.map((s) => s.heading)).toEqual([
      'Executive Summary',
      'Results of Operations',
      'Segment Review',
      'Outlook',
      'Appendix A: Notes to the Figures',
      'Appendix B: Glossary',
    ]);
    expect(result.sections[0]!.summary).toBe(REPORT_EXECUTIVE_SUMMARY[0]);
    expect(result.statistics.section_count).toBe(6);
    expect(result.readability.reading_ease).toMatch(/difficult|standard/);
  });
});

describe("text_analyzer on seed 002's sample PDF", () => {
  it("gives the key metrics of seed 002's example output", async () => {
    const bytes = readFileSync(new URL('../../../../infra/seed/q4-report.pdf', import.meta.url));
    const ctx = testingContext({ files: memoryFiles({ q4: { bytes } }) });
    const { extracted_text } = await pdfExtractor.run(
      PdfExtractorParams.parse({ input_file: { file_id: 'q4', name: 'q4-report.pdf' } }),
      ctx,
    );
    for (const analysis_level of ['basic', 'detailed', 'comprehensive'] as const) {
      const result = await analyse({ text: extracted_text, analysis_level });
      expect(result.key_metrics).toMatchObject({ revenue: '10.5M', growth: '15%' });
      expect(result.summary).toMatch(/^Revenue reached \$10\.5 million in the fourth quarter/);
    }
  });
});
