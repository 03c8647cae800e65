import { describe, expect, it } from 'vitest';
import { analyzeText } from './analyze-text';

const summaryOf = (text: string) => analyzeText(text, 'basic').summary;

describe('the summary (TextRank, boilerplate left out)', () => {
  it('quotes what a form is about, not its instructions or its fields', () => {
    const form = [
      'PDF Form Example',
      'Starting with version 5.0.0, the viewer supports forms in PDF files.',
      'Please fill out the following fields. Important fields are marked yellow.',
      'First name:',
      'Last name:',
      'Attach Form(s) W-2 here if tax was withheld.',
    ].join('\n');
    const summary = summaryOf(form);
    expect(summary.startsWith('Starting with version 5.0.0, the viewer supports forms in PDF files.')).toBe(true);
    expect(summary).not.toMatch(/fill out|Attach|First name/);
  });

  it('quotes no table row, page number or running footer', () => {
    const prose = [
      'Fishery exports of Argentina grew strongly over the decade, led by frozen fish and shellfish.',
      'Frozen hake remained the largest single product shipped to European buyers.',
      'Shellfish exports doubled as prawn catches recovered along the southern coast.',
    ];
    const pages = prose.map((sentence, i) =>
      [
        sentence,
        'Total exports 895 718 886 817 811 1,249 1,104',
        'Frozen fish 632 555 648 581 558 851 727',
        `Page ${i + 1} of 3`,
        'Ministry of Agriculture, Fisheries Department',
      ].join('\n'),
    );
    const summary = summaryOf(pages.join('\n\n'));
    expect(summary.length).toBeGreaterThan(0);
    expect(summary).not.toMatch(/\d|Page|Ministry/);
    for (const sentence of summary.split(/(?<=\.) /u)) expect(prose).toContain(sentence);
  });

  it('gives a statement with no sentence its title rather than its rows', () => {
    const statement = [
      'Consolidated Statement of Changes in Equity',
      'Net profit 221,834 221,834',
      'Dividends (85,871) (85,871)',
    ];
    expect(summaryOf(statement.join('\n'))).toBe('Consolidated Statement of Changes in Equity');
  });

  it("says nothing where a text has neither a sentence nor a title: a party's name, a label in capitals, a column header on every page", () => {
    const ledger = [
      'XYZ Pvt Ltd',
      'Vr.Date Vr.No Vr.Type Particulars Dr.Amt Cr.Amt Balance',
      'Opening Balance 27614207 27614207',
      '\f',
      'ABC LTD',
      'Vr.Date Vr.No Vr.Type Particulars Dr.Amt Cr.Amt Balance',
      'Opening Balance 24274200 24274200',
    ];
    expect(summaryOf(ledger.join('\n'))).toBe('');
    expect(summaryOf(['PAYMENT ADVICE', 'Amount Due 273.13', 'Due Date Jun 3, 2013'].join('\n'))).toBe('');
  });

  it('takes the title without its list number, passing over a first line of codes and dates', () => {
    const statement = [
      'Kyokuyo Co. (1301) FY2013 results',
      '(3) Statement of Changes in Net Assets',
      '当期純利益 1,269 1,269',
    ];
    expect(summaryOf(statement.join('\n\n'))).toBe('Statement of Changes in Net Assets');
  });

  it('cuts Japanese into sentences at its full stops and quotes one, not the whole text', () => {
    const text =
      '当社グループの当期の売上高は前年同期比で増加しました。主な要因は水産物の販売が好調だったことです。' +
      '一方で原材料の価格は上昇しました。来期も引き続き収益の改善に取り組みます。';
    const result = analyzeText(text, 'basic');
    expect(result.language).toBe('ja');
    expect(result.statistics.sentence_count).toBe(4);
    expect(result.summary.length).toBeLessThan(text.length);
    expect(result.summary.endsWith('。')).toBe(true);
  });

  it('quotes a document that states its point on every page, once', () => {
    const page = (n: number) =>
      `Page ${n} of the Fabrikam annual review.\nRevenue reached $18.4 million and net income was $2.1 million.\nSubscriber growth was 31% while churn fell to 4%.`;
    const summary = summaryOf([1, 2, 3, 4].map(page).join('\n\n'));
    expect(summary).toMatch(/Revenue reached \$18\.4 million|Subscriber growth/);
    expect(summary.match(/Revenue reached/g)?.length ?? 0).toBeLessThanOrEqual(1);
  });
});
