import { describe, expect, it } from 'vitest';
import { analyzeText } from './analyze-text';

const analysis = (text: string) => analyzeText(text, 'basic');

describe('key metrics: only figures a label in a financial context names, each with its evidence', () => {
  it("reads a table's rows under its declared unit, the current period being the first column", () => {
    const text = [
      'Second Quarter 2023 Financial Highlights',
      'In millions, except percentages and per share amounts 2023 2022 % Change',
      'Revenue $ 31,999 $ 28,822 11%',
      'Costs and expenses 22,607 20,464 10%',
      'Operating margin 29 % 29 %',
      'Diluted earnings per share (EPS) $ 2.98 $ 2.46 21%',
    ].join('\n');
    const result = analysis(text);
    expect(result.key_metrics).toEqual({
      revenue: '32B',
      costs_and_expenses: '22.61B',
      operating_margin: '29%',
      eps: '2.98',
    });
    expect(result.key_metric_evidence.revenue).toEqual({
      value: '32B',
      evidence: 'Revenue $ 31,999 $ 28,822 11%',
      page: null,
    });
  });

  it('reads an invoice: the last subtotal, the total beside its currency, a German decimal comma', () => {
    expect(analysis('Subtotal $ 112.00\nSubtotal $ 150.90\nSubtotal $ 262.90\nTotal $ 279.84').key_metrics).toEqual({
      subtotal: '262.9',
      total: '279.84',
    });
    expect(analysis('Rechnung Nr. 4711\nTotal EUR 34,73\nVielen Dank für Ihren Auftrag.').key_metrics).toEqual({
      total: '€34.73',
    });
  });

  it("reads a Japanese statement's line items in its unit (百万円), a △ being a deduction", () => {
    const text = [
      '連結株主資本等変動計算書',
      '(単位：百万円)',
      '剰余金の配当 △525 △525',
      '当期純利益 1,269 1,269',
    ].join('\n');
    const result = analysis(text);
    expect(result.language).toBe('ja');
    expect(result.key_metrics).toEqual({ 剰余金の配当: '-¥525M', 当期純利益: '¥1.27B' });
    expect(result.key_metric_evidence['当期純利益']?.evidence).toBe('当期純利益 1,269 1,269');
  });

  it('names a movement by its financial subject and a level by its noun', () => {
    const result = analysis('Revenue rose 12% to $4.1bn in the quarter. Gross margin was 41.5% of sales.');
    expect(result.key_metrics).toEqual({ growth: '12%', revenue: '4.1B', gross_margin: '41.5%' });
    expect(result.key_metric_evidence.growth?.evidence).toBe('Revenue rose 12% to $4.1bn in the quarter.');
  });

  it('reports nothing from prose whose percentages measure no business figure', () => {
    const paper = [
      'We show an accuracy increase from 8.11% to 21.99% when finetuning on the larger dataset.',
      'The cost can rise to up to 10% of total execution time.',
      'Population growth of 2% was recorded in the region.',
      'We take the first 80% as training data and the following 10% as validation data.',
    ].join(' ');
    expect(analysis(paper).key_metrics).toEqual({});
  });

  it('reports nothing from a table of counts, nor from a row whose label is no line item', () => {
    const arrests = [
      'Arrests by Sex and Age: 2009',
      '[In thousands]',
      'Total 10,690.6 8,067.4 2,623.2',
      'Under 18 1,515.6 1,060.9 454.7',
    ].join('\n');
    expect(analysis(arrests).key_metrics).toEqual({});
    expect(analysis('In millions\nProvision for income taxes $ 1,505 $ 1,499').key_metrics).toEqual({});
  });

  it('marks the page of a figure where the text marks pages with form feeds', () => {
    const result = analysis('Annual review.\fNet income was $2.1 million in the year.');
    expect(result.key_metric_evidence.net_income).toEqual({
      value: '2.1M',
      evidence: 'Net income was $2.1 million in the year.',
      page: 2,
    });
  });
});
