import { describe, expect, it } from 'vitest';
import { judgeSummary } from './boilerplate';

const context = (text: string, reference = 'A quarterly report on revenue and profit.') => ({
  text,
  pages: [text],
  language: 'en',
  reference,
});

describe('the summary judge: boilerplate as the issue lists it', () => {
  it('flags table rows, page numbers, form instructions and contact lines', () => {
    const text = 'Revenue rose to a record level in the quarter thanks to strong demand across every region.';
    for (const summary of [
      'Revenue $ 31,999 $ 28,822 11%',
      '12',
      'Please complete this payment advice and detach it.',
      'Registered Office: 23 Main Street, Central City, Oaktown.',
    ]) {
      expect(judgeSummary(summary, context(text)).boilerplate, summary).toBe(true);
    }
  });

  it('reports a sentence off topic beside the verdict, without making it boilerplate; plurals count as their singular', () => {
    const verdict = judgeSummary('We rely on highly skilled personnel and must retain them.', context('x'));
    expect(verdict).toMatchObject({ boilerplate: false, offTopic: true });
    const risks = judgeSummary('These risks could harm our business.', context('x', 'The end of the risk factors.'));
    expect(risks.offTopic).toBe(false);
  });

  it('takes an empty summary as silent where no sentence could be quoted, and as boilerplate where one could', () => {
    const ledger =
      'XYZ Pvt Ltd\nOpening Balance 27614207 27614207\n13-May-16 38 BP R Chq. No. 086352 132696 0 1074935 Cr.';
    expect(judgeSummary('', context(ledger))).toMatchObject({ boilerplate: false, silent: true });
    const report =
      'Q2 report\n\nRevenue rose to a record level in the quarter thanks to strong demand across every region.';
    expect(judgeSummary('', context(report))).toMatchObject({ boilerplate: true, silent: false });
    // A table header's column names, tab-separated as pdf_extractor writes cells, are no sentence.
    const header =
      'Statement of changes\n\nCommon stock\tCapital surplus\tRetained earnings\tTreasury stock at cost\tTotal equity of the group\nBalance\t175\t202';
    expect(judgeSummary('', context(header))).toMatchObject({ boilerplate: false, silent: true });
  });
});
