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

describe('row figures: matrices whose cells pdf_extractor kept apart', () => {
  it("reads a matrix's total row by its columns' names, each in the unit its name states", () => {
    const text = [
      'Tax information by country',
      '',
      'Tax jurisdiction\tTotal sales (M€)\tEBT (M€)\tCorporate Income Tax accrued (M€)\tEmployees at the close of 2020\tGrants (M€)',
      'Spain\t2,673\t367\t51\t20,860\t4.8',
      'Mexico\t238\t54\t19\t1,978\t0',
      'Total\t6,472\t508\t97\t38,355\t6.4',
    ].join('\n');
    expect(metrics(text)).toEqual({
      revenue: '€6.47B',
      ebt: '€508M',
      corporate_income_tax_accrued: '€97M',
      grants: '€6.4M',
    });
    // The same table with its cells run together: a matrix only its columns could attribute.
    expect(metrics(text.replace(/\t/gu, ' '))).toEqual({});
  });

  it('reports nothing from a matrix of counts, whose columns state no unit', () => {
    const text = [
      'Arrests by age',
      '',
      'Offense\tUnder 18\t18 and over\tTotal sales arrests',
      'Burglary\t1,200\t3,400\t4,600',
      'Total\t5,000\t9,000\t14,000',
    ].join('\n');
    expect(metrics(text)).toEqual({});
  });

  it('reads a Chinese row whose change is stated in words, and a Spanish label whose noun comes first', () => {
    const zh = [
      '本报告期\t上年同期\t本报告期比上年同期增减',
      '营业收入（元）\t4,755,785.11\t5,699,227.63\t-16.55%',
      '加权平均净资产收益率\t-2.34%\t-8.06%\t上升 5.72 个百分点',
    ].join('\n');
    expect(metrics(zh)).toMatchObject({ 加权平均净资产收益率: '-2.34%' });
    const es = ['Mill. u$s', '2006 2007', 'Exportaciones totales pesqueras 1,249 1,104'].join('\n');
    expect(metrics(es)).toEqual({ exportaciones_totales_pesqueras: '1.1B' });
  });
});
