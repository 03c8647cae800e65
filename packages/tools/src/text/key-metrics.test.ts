import { describe, expect, it } from 'vitest';
import { analyzeText } from './analyze-text';

const analysis = (text: string) => analyzeText(text, 'basic');

describe('key metrics: only figures a label in a financial context names, each with its evidence', () => {
  it("reads a table's rows under its declared unit, the current period's column and the revenue's change by its header", () => {
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
      growth: '11%',
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

  it("takes the current period's column where the header's years run oldest first", () => {
    const text = [
      'Consolidated Statement of Comprehensive Income',
      'Yen (millions)',
      '2020 2021',
      'Net profit ¥ 233,512 ¥ 201,683',
      'Comprehensive income 124,762 415,954',
    ].join('\n');
    expect(analysis(text).key_metrics).toEqual({ net_income: '¥201.68B', comprehensive_income: '¥415.95B' });
  });

  it('takes the first cell of the current period where each period holds several cells, and no cell of a forecast table', () => {
    const exports = [
      'Exports by sector (Mill. US$ and share of total)',
      '2005 2006 2007',
      'Total exports 811 2.0% 1,249 2.7% 1,104 2.0%',
    ].join('\n');
    expect(analysis(exports).key_metrics).toEqual({ total_exports: '1.1B' });
    // Three estimated years to one actual: the table forecasts; its actual column only restates the base.
    const forecast = ['Key figures (MEUR)', '2024 2025e 2026e 2027e', 'Revenue 275.5 295.6 319.4 330.7'].join('\n');
    expect(analysis(forecast).key_metrics).toEqual({});
  });

  it("reads a Chinese table's header in words: the current period, and the revenue's change as its growth", () => {
    const text = [
      '单位：元',
      '本报告期 上年同期 本报告期比上年同期增减',
      '营业收入（元） 4,755,785.11 5,699,227.63 -16.55%',
      '归属于上市公司股东的净利润（元） -4,648,986.52 -15,563,758.44 70.13%',
    ].join('\n');
    expect(analysis(text).key_metrics).toEqual({
      营业收入: 'CN¥4.76M',
      growth: '-16.55%',
      归属于上市公司股东的净利润: '-CN¥4.65M',
    });
  });

  it('reads a label that wraps onto the next lines, in Chinese and in a language written in cases', () => {
    const chinese = [
      '单位：元',
      '本报告期 上年同期 本报告期比上年同期增减',
      '营业收入（元） 4,755,785.11 5,699,227.63 -16.55%',
      '归属于上市公司股东的净利',
      '润（元）',
      '-4,648,986.52 -15,563,758.44 70.13%',
    ].join('\n');
    const result = analysis(chinese);
    expect(result.key_metrics['归属于上市公司股东的净利润']).toBe('-CN¥4.65M');
    expect(result.key_metric_evidence['归属于上市公司股东的净利润']?.evidence).toBe(
      '归属于上市公司股东的净利润（元） -4,648,986.52 -15,563,758.44 70.13%',
    );
    const english = ['In millions of US$', '2022 2023', 'Total net', 'revenue 1,200 1,350'].join('\n');
    expect(analysis(english).key_metrics).toEqual({ revenue: '1.35B' });
  });

  it('reads the total column of a statement of changes in equity on its closing balance row, once per table', () => {
    const japanese = [
      '連結株主資本等変動計算書',
      '(単位：百万円)',
      '資本金 資本剰余金 利益剰余金 自己株式 株主資本合計',
      '当期首残高 5,664 749 12,017 △747 17,683',
      '当期純利益 1,269 1,269',
      '当期末残高 5,664 749 12,846 △747 18,512',
      'その他の包括利益累計額',
      '当期末残高 △113 142 △104 ― △75 245 18,683',
    ].join('\n');
    expect(analysis(japanese).key_metrics).toEqual({ 当期純利益: '¥1.27B', 株主資本合計: '¥18.51B' });
    const english = [
      'Yen (millions)',
      'Treasury stock, at cost Total Non-controlling interests Total equity',
      'Balance at end of year ¥ 175,820 ¥ 202,777 ¥ 2,266,490 ¥ 111,801 ¥ (2,595) ¥ 2,754,293 ¥ 116,318 ¥ 2,870,611',
    ].join('\n');
    expect(analysis(english).key_metrics).toEqual({ equity: '¥2.87T' });
  });

  it('qualifies an adjusted measure and a figure the document expects, so each period keeps its own', () => {
    const release = [
      'Second Quarter Highlights',
      '• Adjusted EPS of $0.96',
      '',
      'Full-Year 2023 Guidance',
      'Reaffirmed',
      '• Capital expenditures of $3.4 – $3.6 billion',
      '• Adjusted free cash flow of $2.5 – $2.7 billion',
    ].join('\n');
    expect(analysis(release).key_metrics).toEqual({
      adjusted_eps: '0.96',
      capex_guidance: '3.4B–3.6B',
      adjusted_free_cash_flow_guidance: '2.5B–2.7B',
    });
    // "expects" before the figure makes it guidance; "forecasts" after a reported one does not.
    const note =
      'In Q4, revenue decreased by 5.9% to 75.5 MEUR, in line with our forecasts. The company expects revenue to reach 296 MEUR in 2025.';
    expect(analysis(note).key_metrics).toEqual({ decline: '5.9%', revenue: '€75.5M', revenue_guidance: '€296M' });
  });

  it("tells an analyst's forecast from the company's guidance, and keeps the latest actual an expectation builds on", () => {
    const note = [
      'We reiterate our EUR 12.00 target price for Acme.',
      'Acme guides that its revenue will grow to 290-310 MEUR in 2025 (2024: 275.5 MEUR).',
      'We now expect adjusted EBITA to increase to 10.3 MEUR.',
      "In Q4, EBITA increased to 2.8 MEUR (Q4'23: 2.7 MEUR).",
    ].join('\n\n');
    expect(analysis(note).key_metrics).toEqual({
      target_price: '€12.00',
      revenue_guidance: '€290M–€310M',
      revenue_2024: '€275.5M',
      adjusted_ebita_forecast: '€10.3M',
      ebita: '€2.8M',
    });
    // Without a target price the text is the company's own: "we expect" is its guidance.
    const release = 'We now expect adjusted EBITA to increase to 10.3 MEUR (2024: 8.8 MEUR).';
    expect(analysis(release).key_metrics).toEqual({ adjusted_ebita_guidance: '€10.3M', ebita_2024: '€8.8M' });
    expect(analysis(release).key_metric_evidence.ebita_2024?.value).toBe('€8.8M');
  });

  it("reads a report's highlights tiles, the figure first and its name under it or after it", () => {
    const tiles = [
      'BY REVENUE',
      '',
      '₹7,92,756 crore',
      '',
      '`1,186 crore',
      'CSR contribution',
      '',
      '2,32,822 New jobs created',
    ];
    expect(analysis(tiles.join('\n')).key_metrics).toEqual({
      revenue: '₹7.93T',
      csr_contribution: '₹11.86B',
      new_jobs_created: '232822',
    });
    // No currency, no scale word, or a name that is a sentence: no tile; nor in a text that states no amount.
    const others = ['$120 million', 'We invested it in new plants across the region.', '', '1,200', 'Employees'];
    expect(analysis(others.join('\n')).key_metrics).toEqual({});
    expect(analysis('12,450 Registered voters\n\n3,120 Polling stations').key_metrics).toEqual({});
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
