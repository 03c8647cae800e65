import { describe, expect, it } from 'vitest';
import { matchMetrics } from './metric-match';
import { scoreMetricPages } from './metric-pages';

const labelled = [
  { label: 'revenue (Q2 2023)', value: '$33.9 billion', page: 1, evidence: 'Total company sales were $33.9 billion' },
  { label: 'net earnings (Q2 2023)', value: '$0.7 billion', page: 3, evidence: 'Net earnings of $0.7 billion' },
  {
    label: 'capital expenditures (Q2)',
    value: '$0.9 billion',
    page: 2,
    evidence: 'Capital expenditures were $0.9 billion',
  },
];

describe('key metrics: their pages', () => {
  it('scores each matched metric: the page reported against the labelled one, no page counting as wrong', () => {
    const reported = { revenue: '33.9B', net_income: '0.7B', capex: '0.9B', growth: '12%' };
    const { verdicts } = matchMetrics(reported, labelled);
    const pages = scoreMetricPages(verdicts, labelled, {
      revenue: { page: 1 },
      net_income: { page: 2 },
      capex: { page: null },
      growth: { page: 1 },
    });
    expect(pages).toEqual({
      matched: 3,
      right: 1,
      verdicts: [
        { label: 'revenue', labelled_page: 1, reported_page: 1, right: true },
        { label: 'net_income', labelled_page: 3, reported_page: 2, right: false },
        { label: 'capex', labelled_page: 2, reported_page: null, right: false },
      ],
    });
  });

  it('scores nothing where nothing matched', () => {
    const { verdicts } = matchMetrics({ growth: '12%' }, labelled);
    expect(scoreMetricPages(verdicts, labelled, { growth: { page: 1 } })).toEqual({
      matched: 0,
      right: 0,
      verdicts: [],
    });
  });
});
