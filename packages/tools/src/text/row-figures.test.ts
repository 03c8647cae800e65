import { describe, expect, it } from 'vitest';
import { analyzeText } from './analyze-text';

const metrics = (text: string) => analyzeText(text, 'basic').key_metrics;

describe('row figures: invoices and ledgers', () => {
  it("reads an invoice's amounts in the one currency its table states, and a tax row's amount after its rate", () => {
    const text = [
      'Amount Due 512.40',
      '',
      'INVOICE',
      'Description Quantity Unit Price Tax Amount EUR',
      'Consulting services 4.00 120.00 7.00% 480.00',
      'Subtotal 480.00',
      'TOTAL SALES TAX 7.00% 32.40',
      'TOTAL EUR 512.40',
    ].join('\n');
    expect(metrics(text)).toEqual({
      amount_due: '€512.4',
      subtotal: '€480',
      total_sales_tax: '€32.4',
      total: '€512.4',
    });
    expect(metrics('Subtotal $ 112.90\nTax 15% on $ 112.90 $ 16.94\nTotal $ 129.84')).toEqual({
      subtotal: '112.9',
      tax: '16.94',
      total: '129.84',
    });
  });

  it('takes no currency from a document that states several, nor for whole numbers (counts)', () => {
    expect(metrics('Shipping USD 10.00\nHandling EUR 9.00\nSubtotal 250.00\nTotal 300.00')).toEqual({});
    expect(metrics('Items shipped\nTotal USD 40.00\nAmount due 3')).toEqual({ total: '40' });
  });

  it("reads a ledger's opening balance and the balance after its last entry, with its side", () => {
    const text = [
      'Acme Traders',
      '',
      'Date Ref Particulars Debit Credit Balance',
      '01-Apr-16 Opening Balance 5000 5000',
      '13-May-16 38 Payment received for bill 133 2000 0 3000 Cr.',
      '19-Aug-16 41 Payment against bill 197 3000 0 0 Dr.',
    ].join('\n');
    expect(metrics(text)).toEqual({ opening_balance: '5K', closing_balance: '0 Dr.' });
    // The same lines without a ledger's header: no column says they are amounts.
    expect(metrics(text.replace('Debit Credit Balance', 'Notes'))).toEqual({});
  });
});
