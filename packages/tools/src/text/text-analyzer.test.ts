import { applicationFailureOf } from '@ordo/testing';
import { describe, expect, it } from 'vitest';
import type { SchemaValue } from '@ordo/core';
import type { FileReader } from '../file-reader';
import { createToolActivities } from '../index';
import type { BasicAnalysis, ComprehensiveAnalysis, DetailedAnalysis, TextAnalysis } from './analyze-text';

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

const noFiles: FileReader = { read: () => Promise.resolve(undefined) };
const analyze = createToolActivities({ files: noFiles }).text_analyzer!;

async function analysis(params: Record<string, SchemaValue>): Promise<TextAnalysis> {
  const out = await analyze(params);
  expect(Object.keys(out)).toEqual(['analysis_results']);
  return out.analysis_results as TextAnalysis;
}


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

/** The summary's sentences, each one of the report's, in the report's order. */
function summarySentences(summary: string): string[] {
  const picked = REPORT_SENTENCES.filter((s) => summary.includes(s));
  expect(picked.join(' ')).toBe(summary);
  return picked;
}

describe('text_analyzer', () => {
  it('defaults to a basic analysis: short summary, key metrics, counts', async () => {
    const result = (await analysis({ text: Q4_REPORT })) as BasicAnalysis;
    expect(result.analysis_level).toBe('basic');
    expect(result.summary).toContain('Revenue reached $10.5 million');
    expect(summarySentences(result.summary)).toHaveLength(2);
    expect(result.key_metrics).toMatchObject({ revenue: '10.5M', growth: '15%' });
    expect(result.statistics).toEqual({ word_count: 82, sentence_count: 9 });
  });

  it('labels amounts and percentages by the nearest keyword and normalises them', async () => {
    const result = await analysis({ text: Q4_REPORT, analysis_level: 'detailed' });
    expect(result.key_metrics).toEqual({
      revenue: '10.5M',
      growth: '15%',
      net_income: '2.1M',
      operating_expenses: '4.2M',
      gross_margin: '42%',
      ebitda: '3.4M',
      cash: '750K',
    });
  });

  it('derives everything from the text: different documents, different results', async () => {
    const report = await analysis({ text: Q4_REPORT, analysis_level: 'detailed' });
    const news = (await analysis({ text: PARK_NEWS, analysis_level: 'detailed' })) as DetailedAnalysis;
    expect(news.summary).not.toBe(report.summary);
    expect(news.summary).toMatch(/park/);
    // "declined" is nearer to the figure than "Unemployment".
    expect(news.key_metrics).toEqual({ decline: '2.5%' });
    expect(news.top_terms.map((t) => t.term)).toEqual(expect.arrayContaining(['council', 'park']));
    expect(news.statistics.sentence_count).toBe(6);
  });

  it('gives longer summaries and more detail at higher levels', async () => {
    const basic = await analysis({ text: Q4_REPORT, analysis_level: 'basic' });
    const detailed = (await analysis({ text: Q4_REPORT, analysis_level: 'detailed' })) as DetailedAnalysis;
    const comprehensive = (await analysis({ text: Q4_REPORT, analysis_level: 'comprehensive' })) as ComprehensiveAnalysis;

    // Each level keeps what the level below chose and adds the next best sentences.
    const fromBasic = summarySentences(basic.summary);
    const fromDetailed = summarySentences(detailed.summary);
    const fromComprehensive = summarySentences(comprehensive.summary);
    expect(fromBasic).toHaveLength(2);
    expect(fromDetailed).toHaveLength(3);
    expect(fromComprehensive).toHaveLength(5);
    expect(fromDetailed).toEqual(expect.arrayContaining(fromBasic));
    expect(fromComprehensive).toEqual(expect.arrayContaining(fromDetailed));

    expect(basic).not.toHaveProperty('top_terms');
    expect(detailed.top_terms).toHaveLength(5);
    expect(detailed.statistics).toEqual({ word_count: 82, sentence_count: 9, average_sentence_length: 9.1 });
    expect(detailed).not.toHaveProperty('monetary_figures');

    expect(comprehensive.top_terms.length).toBeGreaterThan(5);
    expect(comprehensive.statistics).toMatchObject({ word_count: 82, sentence_count: 9, paragraph_count: 3 });
    expect(comprehensive.monetary_figures).toContainEqual({
      label: 'revenue',
      value: '10.5M',
      amount: 10_500_000,
      currency: 'USD',
      text: '$10.5 million',
    });
    expect(comprehensive.percentages.map((p) => [p.label, p.value])).toEqual([
      ['growth', '15%'],
      ['gross_margin', '42%'],
      ['growth', '12%'],
    ]);
  });

  it('gives a one-sentence summary of a short text', async () => {
    const result = await analysis({ text: 'Profit rose sharply this quarter. Sales grew 8% and margins held steady.' });
    expect(result.summary).toBe('Sales grew 8% and margins held steady.');
    expect(result.key_metrics).toEqual({ growth: '8%' });
  });

  it('prefers complete sentences over headings', async () => {
    const text = 'Northwind Traders Annual Report 2031\nRevenue reached $42.7 million this year.\n\nOperating margin improved and customer growth was 23% across all regions.';
    const result = await analysis({ text, analysis_level: 'detailed' });
    expect(result.summary).toBe('Revenue reached $42.7 million this year. Operating margin improved and customer growth was 23% across all regions.');
    expect(result.key_metrics).toEqual({ revenue: '42.7M', growth: '23%' });
  });

  it('summarises text without sentence punctuation', async () => {
    const result = await analysis({ text: 'quarterly revenue update' });
    expect(result.summary).toBe('quarterly revenue update');
  });

  it('returns plain JSON', async () => {
    const result = await analysis({ text: Q4_REPORT, analysis_level: 'comprehensive' });
    expect(JSON.parse(JSON.stringify(result))).toEqual(result);
  });

  it.each([
    [{}, 'text: is required'],
    [{ text: '' }, 'text: must contain words'],
    [{ text: '  \n\t ' }, 'text: must contain words'],
    [{ text: 42 }, 'text: Invalid input: expected string, received number'],
  ])('rejects %j as INVALID_PARAMETERS', async (params, message) => {
    const failure = await applicationFailureOf(analyze(params));
    expect(failure.type).toBe('INVALID_PARAMETERS');
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toBe(message);
  });

  it('rejects an unknown analysis_level', async () => {
    const failure = await applicationFailureOf(analyze({ text: Q4_REPORT, analysis_level: 'deep' }));
    expect(failure.type).toBe('INVALID_PARAMETERS');
    expect(failure.message).toMatch(/^analysis_level: /);
  });
});
