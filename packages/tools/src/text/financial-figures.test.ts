import { describe, expect, it } from 'vitest';
import { findFigures, formatAmount } from './financial-figures';
import type { Figure } from './financial-figures';
import { chooseKeyFigures } from './key-metrics';

const keyMetrics = (figures: readonly Figure[]) =>
  Object.fromEntries(
    [
      ...chooseKeyFigures(
        figures.flatMap((f) => (f.label === null ? [] : [{ ...f, label: f.label, totalRow: false }])),
      ),
    ].map(([label, f]) => [label, f.value]),
  );
const metricsOf = (sentence: string) => keyMetrics(findFigures([sentence]));

describe('formatAmount', () => {
  it.each([
    ['10.5', ' million', '10.5M', 10_500_000],
    ['2.3', ' billion', '2.3B', 2_300_000_000],
    ['2.3', 'bn', '2.3B', 2_300_000_000],
    ['10.5', 'M', '10.5M', 10_500_000],
    ['40', 'k', '40K', 40_000],
    ['1', ' trillion', '1T', 1_000_000_000_000],
    ['750,000', undefined, '750K', 750_000],
    ['1,250,000', undefined, '1.25M', 1_250_000],
    ['1,234,567', undefined, '1.23M', 1_234_567],
    ['999,999', undefined, '1M', 999_999],
    ['950', undefined, '950', 950],
    ['0.25', undefined, '0.25', 0.25],
  ])('formats %s with scale %s as %s', (digits, scale, value, amount) => {
    expect(formatAmount(digits, scale)).toEqual({ value, amount });
  });
});

describe('key metrics', () => {
  it.each([
    ['Revenue reached $10.5 million.', { revenue: '10.5M' }],
    ['The company reported revenue of $10.5M for the year.', { revenue: '10.5M' }],
    ['Growth of 15% was driven by new customers.', { growth: '15%' }],
    ['Sales grew 15% year over year.', { growth: '15%' }],
    // A movement of something that is not an amount of the business, or a share of one: no metric.
    ['Subscriptions increased by 15% in the period.', {}],
    ['Accuracy increased from 8.11% to 21.99% after fine-tuning.', {}],
    ['The cost can rise to up to 10% of total execution time.', {}],
    ['The cloud segment accounted for 40% of revenue.', {}],
    ['Revenue rose 12% to $4.1bn.', { growth: '12%', revenue: '4.1B' }],
    // A figure in parentheses is an aside: a comparison or a part.
    [
      'Net income rose to $2.8 million (2023: $2.7 million), helped by real estate sales ($0.5 million).',
      { net_income: '2.8M' },
    ],
    ['Revenue was $32.0 billion, an increase of 11% year-over-year.', { revenue: '32.0B', growth: '11%' }],
    // Only the revenue's movement is `growth`: a profit's or a cost's is no headline figure.
    ['Profit increased by 15% to $2.3 billion.', { profit: '2.3B' }],
    ['We recorded $750,000 in costs.', { costs: '750K' }],
    ['Net income of €2.3bn and an EBITDA margin of 31.5 percent.', { net_income: '€2.3B', ebitda_margin: '31.5%' }],
    ['Turnover hit 10 million dollars.', { revenue: '10M' }],
    ['Revenue was $10M and profit was $2M.', { revenue: '10M', profit: '2M' }],
    ['Gross margin improved to 42% as costs fell.', { gross_margin: '42%' }],
    ['Operating costs fell 3.5% while revenue rose.', {}],
    ['Sales fell 3.5% in the quarter.', { decline: '3.5%' }],
    ['Subscriber growth was 31% while churn fell to 4%.', { growth: '31%', churn: '4%' }],
    ['Revenue increased by $2 million to $12 million.', { revenue_change: '2M', revenue: '12M' }],
    ['In 2023 we hired 300 people across 12 offices.', {}],
  ])('%s', (sentence, metrics) => {
    expect(metricsOf(sentence)).toEqual(metrics);
  });

  it('keeps the first figure stated for a label', () => {
    const figures = findFigures(['Revenue reached $10.5 million.', 'Last year revenue was $9.1 million.']);
    expect(keyMetrics(figures)).toEqual({ revenue: '10.5M' });
    expect(figures.map((f) => [f.label, f.value, f.sentence])).toEqual([
      ['revenue', '10.5M', 0],
      ['revenue', '9.1M', 1],
    ]);
  });

  it('lets a later total, annual or final statement win over the first figure, the first such one winning', () => {
    const figures = findFigures([
      'Revenue reached $10.5 million in the quarter, up 15% on last year.',
      'Revenue in the north region was $2.1 million, up 4%.',
      'Total annual revenue was $38.2 million, up 12% for the year.',
      'Revenue in the south region was $1.9 million.',
      'Consolidated revenue for the year was $38.4 million after adjustments.',
    ]);
    expect(figures.map((f) => f.headline)).toEqual([false, false, false, false, true, true, false, true]);
    expect(keyMetrics(figures)).toEqual({ revenue: '38.2M', growth: '12%' });
  });

  it('takes the longest keyword where several start at one place', () => {
    expect(metricsOf('Cash flow from operations was $3 million.')).toEqual({ cash_flow: '3M' });
    expect(metricsOf('The EBITDA margin was 31%, on EBITDA of $4 million.')).toEqual({
      ebitda_margin: '31%',
      ebitda: '4M',
    });
    expect(metricsOf('Income from operations was $5 million.')).toEqual({ operating_income: '5M' });
  });

  it('lists figures without a nearby keyword with a null label, and keeps them out of key metrics', () => {
    const figures = findFigures(['The fund raised USD 1,250,000 from its partners.']);
    expect(figures).toEqual([
      {
        kind: 'money',
        label: null,
        value: '1.25M',
        amount: 1_250_000,
        currency: 'USD',
        text: 'USD 1,250,000',
        sentence: 0,
        headline: false,
      },
    ]);
    expect(keyMetrics(figures)).toEqual({});
  });

  it('does not take a number inside another for a figure', () => {
    expect(findFigures(['Models X15% and v2.5% are product names.'])).toEqual([]);
  });
});
