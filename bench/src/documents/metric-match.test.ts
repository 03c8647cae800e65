import { describe, expect, it } from 'vitest';
import { labelMatches, matchMetrics, statedNumbers, valueMatches } from './metric-match';

const metric = (label: string, value: string, evidence: string) => ({ label, value, page: 1, evidence });

describe('key metrics against labels', () => {
  it('reads numbers as written: thousands, decimal commas, Indian grouping, scale words', () => {
    expect(statedNumbers('$33.9 billion').map((n) => n.scaled)).toContain(33.9e9);
    expect(statedNumbers('1.234,56 EUR').map((n) => n.value)).toContain(1234.56);
    expect(statedNumbers('₹ 1,23,456 crore').map((n) => n.scaled)).toContain(123456e7);
    expect(statedNumbers('21.8% of sales')[0]).toMatchObject({ value: 21.8, percent: true });
  });

  it('matches a value scaled or as written, sign aside, percentages only with percentages', () => {
    expect(valueMatches('33.9B', '$33.9 billion')).toBe(true);
    expect(valueMatches('479M', '($479) million (operating loss of $479 million)')).toBe(true);
    expect(valueMatches('31999', '$31,999 million')).toBe(true);
    expect(valueMatches('12%', '12')).toBe(false);
    expect(valueMatches('90%', '$33.9 billion')).toBe(false);
  });

  it('matches a qualified label only to a metric qualified the same way: guidance to guidance, adjusted to adjusted', () => {
    const guidance = metric(
      'guidance: capital expenditures (FY2023)',
      '$3.4 – $3.6 billion',
      'Capital expenditures of $3.4 – $3.6 billion',
    );
    const adjusted = metric('adjusted EPS (Q2 2023)', '$0.96', 'Adjusted EPS of $0.96');
    const reported = metric('earnings per share (Q2 2023)', '($0.25) (loss per share)', 'EPS of ($0.25)');
    expect(labelMatches('capex_guidance', guidance)).toBe(true);
    expect(labelMatches('capex', guidance)).toBe(false);
    expect(labelMatches('adjusted_eps', adjusted)).toBe(true);
    expect(labelMatches('adjusted_eps', reported)).toBe(false);
    expect(labelMatches('eps', reported)).toBe(true);
    const forecast = metric(
      'analyst forecast: revenue (2025)',
      '296 MEUR (+7%)',
      'We now expect 2025 revenue to grow by 7%',
    );
    expect(labelMatches('growth_forecast', forecast)).toBe(true);
    expect(labelMatches('growth_guidance', forecast)).toBe(false);
    expect(labelMatches('capex_forecast', guidance)).toBe(false);
  });

  it("matches a period's key only to a metric labelled with that period, and no plain key to a comparison", () => {
    const fy = metric('EBITA (FY2024)', '8.8 MEUR', 'EBITA will grow to 9-11 MEUR (2024: 8.8 MEUR)');
    const comparison = metric(
      'total company sales (Q2 2022, comparison)',
      '$34.6 billion',
      'compared to $34.6 billion for the same period last year',
    );
    expect(labelMatches('ebita_2024', fy)).toBe(true);
    expect(labelMatches('ebita_fy2024', fy)).toBe(true);
    expect(labelMatches('ebita_full_year', fy)).toBe(true);
    expect(labelMatches('ebita_2023', fy)).toBe(false);
    expect(labelMatches('ebita_q4_2024', fy)).toBe(false);
    expect(labelMatches('revenue_prior_year', comparison)).toBe(true);
    expect(labelMatches('revenue', comparison)).toBe(false);
    expect(labelMatches('eps_q4_2024', metric('earnings per share (Q4 2024)', 'EUR 0.20', '20 cents'))).toBe(true);
  });

  it('matches a range only to a range, both ends', () => {
    expect(valueMatches('€9M–€11M', '9-11 MEUR')).toBe(true);
    expect(valueMatches('5B–5.2B', '$5.0 – $5.2 billion')).toBe(true);
    expect(valueMatches('1.0%–2.0%', '1.0% – 2.0%')).toBe(true);
    expect(valueMatches('5B–5.5B', '$5.0 – $5.2 billion')).toBe(false);
    expect(valueMatches('5.0', '$5.0 – $5.2 billion')).toBe(false);
    expect(valueMatches('€9M–€11M', '9 MEUR')).toBe(false);
  });

  it('counts a reported metric once, when both its label and its value match', () => {
    const labelled = [
      metric('total company sales (Q2 2023)', '$33.9 billion', 'Total company sales were $33.9 billion'),
      metric('digital sales growth (Q2 2023)', '12%', 'Grew digital sales 12%'),
    ];
    const result = matchMetrics({ revenue: '33.9B', growth: '12%', profit: '33.9B' }, labelled);
    expect(result).toMatchObject({ matched: 2, reported: 3, labelled: 2 });
    expect(result.verdicts.map((v) => v.matched)).toEqual([
      'total company sales (Q2 2023)',
      'digital sales growth (Q2 2023)',
      null,
    ]);
  });
});
