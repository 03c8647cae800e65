import { formatAmount } from './figure-amounts';
import type { RowFigure } from './row-figure';
import type { Sentence } from './sentences';

// A ledger's header names its debit, credit and running balance columns ("Date Particulars
// Dr.Amt Cr.Amt Balance", "Debit Credit Balance", "Soll Haben Saldo"): its figures are amounts
// even where no currency or unit is stated, and its last column is the balance.
const DEBIT = /(?<![\p{L}])(?:dr|debit|soll)(?![\p{L}])/iu;
const CREDIT = /(?<![\p{L}])(?:cr|credit|haben)(?![\p{L}])/iu;
const BALANCE = /(?<![\p{L}])(?:balance|saldo)(?![\p{L}])/iu;
const MAX_HEADER_WORDS = 14;
const OPENING = /^(?:opening balance|balance (?:brought forward|b\/f)|brought forward|anfangssaldo|saldovortrag)$/iu;
// A date in its own column before the label: "01-Apr-16", "2016-04-01", "01/04/2016".
const LEADING_DATE = /^\d{1,4}[-./](?:\d{1,2}|\p{L}{3,9})[-./]\d{2,4}\s+/u;
const AMOUNT = /^[(]?-?\d[\d,]*(?:\.\d{1,2})?[)]?$/u;
// A balance as a ledger writes it: an amount, then which side it is on ("1074935 0 0 Dr.").
const SIDED_BALANCE = /(?:^|\s)(\d[\d,]*(?:\.\d{1,2})?)\s+(Dr|Cr)\.?$/iu;

/** Whether a line is a ledger's header: debit, credit and balance columns, and nothing long. */
export function isLedgerHeader(text: string): boolean {
  return (
    DEBIT.test(text) && CREDIT.test(text) && BALANCE.test(text) && text.trim().split(/\s+/u).length <= MAX_HEADER_WORDS
  );
}

/**
 * A running-balance ledger's opening and closing balances: the balance cell (the last figure)
 * of the row labelled "Opening balance" (a date before it aside), and the balance after the
 * ledger's last entry: the last line of the header's table (its paragraph) that ends in an
 * amount and its side ("0 Dr."). Only under a ledger's header, whose columns say the figures
 * are amounts; a document with several ledgers states each label once per ledger, and the
 * first one stands for it (`chooseKeyFigures` keeps the first).
 */

export function findLedgerBalances(sentences: readonly Sentence[]): RowFigure[] {
  const out: RowFigure[] = [];
  for (const [index, sentence] of sentences.entries()) {
    if (sentence.kind === 'row' || !isLedgerHeader(sentence.text)) continue;
    let closing: RowFigure | undefined;
    for (let i = index + 1; i < sentences.length && sentences[i]!.paragraph === sentence.paragraph; i++) {
      const text = sentences[i]!.text.trim();
      const tokens = text.split(/\s+/u);
      const first = tokens.findIndex((t, at) => at > 0 && AMOUNT.test(t));
      const label = tokens.slice(0, Math.max(first, 0)).join(' ').replace(LEADING_DATE, '');
      if (first > 0 && OPENING.test(label) && sentences[i]!.kind === 'row') {
        const sided = SIDED_BALANCE.exec(text);
        const last = sided?.[1] ?? tokens.filter((t) => AMOUNT.test(t)).at(-1)!;
        out.push(balance('opening_balance', last, sided?.[2], i));
      }
      const sided = SIDED_BALANCE.exec(text);
      if (sided !== null) closing = balance('closing_balance', sided[1]!, sided[2], i);
    }
    if (closing !== undefined) out.push(closing);
  }
  return out;
}

function balance(label: string, cell: string, side: string | undefined, sentence: number): RowFigure {
  const negative = /^[(-]/u.test(cell);
  const { value } = formatAmount(cell.replace(/[(),-]/gu, ''), undefined);
  const sideText = side === undefined ? '' : ` ${side[0]!.toUpperCase()}${side[1]!.toLowerCase()}.`;
  return { label, value: `${negative ? '-' : ''}${value}${sideText}`, kind: 'money', sentence, total: false };
}
