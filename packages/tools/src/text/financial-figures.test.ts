import { describe, expect, it } from 'vitest';
import { formatAmount } from './figure-amounts';
import { periodTag } from './figure-periods';
import { findFigures } from './financial-figures';
import type { Figure } from './financial-figures';
import { chooseKeyFigures } from './key-metrics';

const keyMetrics = (figures: readonly Figure[]) =>
  Object.fromEntries(
    [
      ...chooseKeyFigures(
        // A period's figure in parentheses is kept only after an expectation, which
        // `findLabelledFigures` decides (see key-metrics.test.ts).
        figures.flatMap((f) => (f.label === null || f.basis ? [] : [{ ...f, label: f.label, totalRow: false }])),
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

  // Figures stated in prose the way releases and analysts' notes state them.
  it.each([
    // The label, then a clause between commas, then the figure.
    ['Capital expenditures, including principal payments on finance leases, were $6.35 billion.', { capex: '6.35B' }],
    ['Net income, excluding a one-time tax benefit, was $5 million.', { net_income: '5M' }],
    ['We repurchased $793 million of our common stock.', { share_repurchases: '793M' }],
    ['The order book was down 10% in Q4 at 177 MEUR.', { order_book: '€177M' }],
    ['EBITA increased to 2.8 MEUR.', { ebita: '€2.8M' }],
    // A figure before its name, where a possessive makes it theirs; "a $100 investment" is an example.
    ['We reiterate our EUR 8.00 target price.', { target_price: '€8.00' }],
    ['A $100 investment grows over time.', {}],
    // Counts and ratios: only through a verb, "of" or a colon right after their name.
    ['Headcount was 71,469 as of June 30, 2023.', { headcount: '71469' }],
    ['Daily active users (DAUs) – DAUs were 2.06 billion on average.', { daily_active_users: '2.06B' }],
    ['The net debt to EBITDA ratio is 1.31, compared to 1.63 a year ago.', { net_debt_to_ebitda: '1.31' }],
    ['It aims to bring its net debt to EBITDA ratio to 2.50 within 24 months.', {}],
    ['In 2023 our employees worked in 12 offices across 30 countries.', {}],
    // A negative amount in parentheses where an amount is stated; after a noun, an aside.
    ['Operating loss of ($479) million; EPS of ($0.25).', { operating_income: '-479M', eps: '-0.25' }],
    ['The DCF value is well above the current price (EUR 11).', {}],
    // Ranges, the high end's unit applying to both.
    ['Capital expenditures of $3.4 – $3.6 billion.', { capex: '3.4B–3.6B' }],
    ['Revenue will be in the range of 290-310 MEUR.', { revenue: '€290M–€310M' }],
    ['A gross margin of 21.0% – 22.5%.', { gross_margin: '21.0%–22.5%' }],
    ['Adjusted net earnings per diluted share of $4.45 – $4.60.', { eps: '4.45–4.60' }],
    // Cents, in the currency of the text; the same measure for another period.
    [
      'Earnings per share rose to 20 cents and for the full year to 49 cents (2023: EUR 0.44).',
      { eps: '€0.20', eps_full_year: '€0.49' },
    ],
    // A part of the revenue that a word before "sales" or "revenue" names; the verb may come first.
    ['Grew digital sales 12%.', { digital_sales_growth: '12%' }],
    ['Cloud revenue grew 28% to $9.2 billion.', { cloud_revenue_growth: '28%', cloud_revenue: '9.2B' }],
    ['Revenue grew 12% while online sales rose 30%.', { growth: '12%', online_sales_growth: '30%' }],
    ['The company expects revenue to reach $296 million.', { revenue: '296M' }],
    // The comparison with a year before: the headline's only.
    [
      'Total company sales were $33.9 billion, compared to $34.6 billion for the same period last year.',
      { revenue: '33.9B', revenue_prior_year: '34.6B' },
    ],
    ['Operating costs were $4 million, compared to $5 million a year ago.', { operating_expenses: '4M' }],
  ])('%s', (sentence, metrics) => {
    expect(metricsOf(sentence)).toEqual(metrics);
  });

  it('tags a period in parentheses after a figure with the figure before it, for `findLabelledFigures` to weigh', () => {
    const figures = findFigures(['EBITA will grow to 9-11 MEUR (2024: 8.8 MEUR).']);
    expect(figures.map((f) => [f.label, f.value, f.period, f.basis])).toEqual([
      ['ebita', '€9M–€11M', undefined, undefined],
      ['ebita', '€8.8M', '2024', true],
    ]);
  });

  it.each([
    ['2024', '2024'],
    ["Q4'23", 'q4_2023'],
    ['Q4 2023', 'q4_2023'],
    ['FY24', 'fy2024'],
    ['FY2024', 'fy2024'],
    ["H1'24", 'h1_2024'],
  ])('tags the period %s as %s', (period, tag) => {
    expect(periodTag(period)).toBe(tag);
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
