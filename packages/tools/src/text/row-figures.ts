import { CURRENCY_PREFIX } from './figure-amounts';
import { findLedgerBalances } from './ledger-balances';
import {
  CENTS,
  CURRENCY_CELL,
  NUMBER_CELL,
  SCALE_CELL,
  cellCurrency,
  readNumber,
  scaledAmount,
  singleCurrency,
} from './row-cells';
import type { RowFigure } from './row-figure';
import {
  LINE_ITEMS,
  PER_SHARE_LABEL,
  RATE_ITEM,
  TOTAL_LABEL,
  cleanLabel,
  isLineItem,
  isRevenue,
  labelKey,
  rowLabel,
} from './row-labels';
import type { Sentence } from './sentences';
import { cellsByHeader, readPeriodHeader, type PeriodHeader } from './table-header';
import { UNIT_REACH, isUnitStatement, unitOf, type Unit } from './table-units';

const MAX_LABEL_CHARS = 60;
const MAX_ROW_FIGURES = 3;

/**
 * Figures of rows that a label names: each row's first figure (the current period in a
 * table whose columns run newest first), with the table's unit (scale and currency) where
 * a line above declares one. A row counts when its label names a figure of the business
 * (revenue, net income, 営業利益, 营业收入...), or says "total" beside an amount whose
 * currency the row or the table states; percentages only under a label that names a rate
 * (margin, tax rate). A row with no label of its own takes the heading right above it
 * ("BY REVENUE" over "₹7,92,756 crore").
 */
export function findRowFigures(sentences: readonly Sentence[], language: string): RowFigure[] {
  const figures: RowFigure[] = [];
  let unit: (Unit & { at: number }) | undefined;
  let header: (PeriodHeader & { at: number }) | undefined;
  let totalColumn: { name: string; at: number } | undefined;
  const documentCurrency = singleCurrency(sentences);
  let matrix: { columns: string[]; at: number } | undefined;
  for (const [index, sentence] of sentences.entries()) {
    if (isUnitStatement(sentence.text)) unit = { ...unitOf(sentence.text), at: index };
    if (unit !== undefined && index - unit.at > UNIT_REACH) unit = undefined;
    if (header !== undefined && index - header.at > UNIT_REACH) header = undefined;
    if (totalColumn !== undefined && index - totalColumn.at > UNIT_REACH) totalColumn = undefined;
    const periods = readPeriodHeader(sentence.text);
    if (periods !== undefined) {
      header = { ...periods, at: index };
      continue;
    }
    const columns = columnNames(sentence);
    if (columns !== undefined) matrix = { columns, at: index };
    if (matrix !== undefined && index - matrix.at > UNIT_REACH) matrix = undefined;
    if (matrix !== undefined && sentence.kind === 'row') {
      const found = totalRowByColumns(sentence.text, matrix.columns, { unit, language, documentCurrency });
      if (found !== undefined) {
        for (const figure of found) figures.push({ ...figure, sentence: index });
        continue;
      }
    }
    if (sentence.kind !== 'row') {
      const total = totalColumnName(sentence.text);
      if (total !== undefined) totalColumn = { name: total, at: index };
      continue;
    }
    const label = rowLabel(sentences, index);
    const context: RowContext = {
      unit,
      header,
      totalColumn: totalColumn?.name,
      language,
      documentCurrency,
      closed: false,
    };
    for (const figure of rowFigures(sentence.text, label, context)) figures.push({ ...figure, sentence: index });
    // A table has one closing balance under its header: the next one belongs to another table.
    if (context.closed) totalColumn = undefined;
  }
  return [...figures, ...findLedgerBalances(sentences)];
}

// A matrix's column names: a header line of three cells or more that pdf_extractor wrote
// apart (a tab between cells), none of them a figure.
const MIN_MATRIX_COLUMNS = 3;
const MAX_COLUMN_NAME_WORDS = 8;

function columnNames(sentence: Sentence): string[] | undefined {
  if (sentence.kind === 'row') return undefined;
  const cells = sentence.text.split('\t').map((c) => c.trim());
  if (cells.length < MIN_MATRIX_COLUMNS || cells.some((c) => c === '' || NUMBER_CELL.test(c))) return undefined;
  return cells;
}

// Words of a column's name that say it is no amount of the line item it names: a count, a
// price per unit, a rate or an average.
const NOT_AN_AMOUNT = /\b(?:number|per|average|rate|ratio|employees|headcount)\b/iu;

/**
 * A matrix's total row ("Total⇥6,472⇥508⇥97⇥44.5⇥38,355⇥6.4") under a header whose cells
 * pdf_extractor kept apart ("Tax jurisdiction⇥Total sales (M€)⇥EBT (M€)⇥Corporate Income Tax
 * accrued (M€)⇥…"): one figure per column whose name is, or begins with words around, a line
 * item (sales, EBT, income tax, grants), in the unit the column's name or the table states.
 * A column of counts or rates, and a column without a unit, say nothing. Rows other than the
 * total (a country, a segment) are parts, not the table's figures. Undefined where the row is
 * no total row of the matrix (its cells do not fit the columns) or no column names a figure.
 */
function totalRowByColumns(
  text: string,
  columns: readonly string[],
  where: { unit: Unit | undefined; language: string; documentCurrency: string | undefined },
): Omit<RowFigure, 'sentence'>[] | undefined {
  const cells = text.split('\t').map((c) => c.trim());
  if (cells.length < 2 || cells.length > columns.length) return undefined;
  const label = cleanLabel(cells[0]!);
  if (!TOTAL_LABEL.test(label)) return undefined;
  const out: Omit<RowFigure, 'sentence'>[] = [];
  for (let i = 1; i < cells.length; i++) {
    const name = cleanLabel(columns[i]!);
    const cell = cells[i]!;
    if (!namesLineItem(name) || NOT_AN_AMOUNT.test(name) || !NUMBER_CELL.test(cell)) continue;
    // The line item the name states decides whether its cell is an amount; the key is the whole name.
    const item = isLineItem(name) ? name : (LINE_ITEM_WORDS.exec(name)?.[0] ?? name);
    const figure = cellFigure(cell, undefined, labelKey(name), item, RATE_ITEM.test(name), {
      unit: where.unit,
      labelUnit: unitOf(columns[i]!),
      language: where.language,
      cells: [cell],
      documentCurrency: where.documentCurrency,
    });
    if (figure !== undefined) out.push({ ...figure, total: true });
  }
  // No column named a figure (an invoice's "Subtotal⇥250.00" under "Description⇥Quantity⇥…"):
  // the row is read as any other.
  return out.length > 0 ? out : undefined;
}

/** Whether a column's name is a line item, or a few words around one ("Corporate Income Tax accrued"). */
function namesLineItem(name: string): boolean {
  if (isLineItem(name)) return true;
  const words = name.split(/\s+/u);
  return words.length <= MAX_COLUMN_NAME_WORDS && LINE_ITEM_WORDS.test(name);
}
const LINE_ITEM_WORDS = new RegExp(`(?<![\\p{L}])(?:${LINE_ITEMS.join('|')})(?![\\p{L}])`, 'iu');

/**
 * The name of a matrix's last column where the header ends with a total line item ("...
 * Non-controlling interests Total equity", "資本金 資本剰余金 ... 株主資本合計"): the last cell
 * of a closing balance row is that column's figure.
 */
function totalColumnName(text: string): string | undefined {
  const words = text.trim().split(/\s+/u);
  for (const size of [2, 1, 3]) {
    if (words.length < size) continue;
    const name = words.slice(-size).join(' ');
    if (TOTAL_COLUMN.test(name)) return name;
  }
  // A statement of changes in equity ends with its grand total, whatever order a header
  // wrapped over several lines reads in ("…少数株主持分 純資産合計その他有価証券評価差額金…").
  if (/\d/u.test(text)) return undefined;
  return GRAND_TOTAL_COLUMN.exec(text)?.[0];
}
const GRAND_TOTAL_COLUMN = /純資産合計|所有者权益合计|(?<![\p{L}])total (?:equity|net assets)(?![\p{L}])/iu;
const TOTAL_COLUMN =
  /^(?:total (?:equity|net assets|shareholders. equity|stockholders. equity)|株主資本合計|純資産合計|所有者权益合计)$/iu;
// A row that states the balance at a period's end: across a matrix, its total column is the period's total.
const CLOSING_BALANCE =
  /^(?:balance at (?:the )?end of (?:the )?(?:year|period)|closing balance|当期末残高|期末余额|本期期末余额)$/iu;

interface RowContext {
  unit: Unit | undefined;
  header: PeriodHeader | undefined;
  totalColumn: string | undefined;
  language: string;
  /** The one currency the document's rows and headers state, if they state exactly one. */
  documentCurrency: string | undefined;
  /** Set when the row was the closing balance its total column was read for. */
  closed: boolean;
}

// Cells that hold a column's figure or say it is empty ("―" in a Japanese statement).
const FIGURE_CELL = /\d|^[―—–-]$/u;

function rowFigures(
  text: string,
  rowLabelText: string | undefined,
  context: RowContext,
): Omit<RowFigure, 'sentence'>[] {
  const { unit, header, totalColumn, language, documentCurrency } = context;
  const tokens = text.trim().split(/\s+/u);
  const first = tokens.findIndex((t) => CURRENCY_CELL.test(t) || NUMBER_CELL.test(t));
  if (first < 0 || rowLabelText === undefined) return [];
  const label = cleanLabel(rowLabelText);
  if (label === '' || !/\p{L}/u.test(label) || label.length > MAX_LABEL_CHARS) return [];
  const cells = tokens.slice(first);
  const figureCells = cells.filter((c) => FIGURE_CELL.test(c) && !SCALE_CELL.test(c));
  const labelUnit = unitOf(rowLabelText);
  const read = (cell: string, key: string, percentOk: boolean): Omit<RowFigure, 'sentence'> | undefined =>
    cellFigure(cell, cells[cells.indexOf(cell) + 1], key, label, percentOk, {
      unit,
      labelUnit,
      language,
      cells,
      documentCurrency,
    });

  // A closing balance across a matrix whose last column is a total: that column's figure.
  if (totalColumn !== undefined && CLOSING_BALANCE.test(label) && figureCells.length > MAX_ROW_FIGURES) {
    const figure = read(figureCells.at(-1)!, labelKey(cleanLabel(totalColumn)), false);
    context.closed = true;
    return figure === undefined ? [] : [{ ...figure, total: true }];
  }
  // The header's columns say which cell is the current period's, and which the change.
  const byHeader = header === undefined ? undefined : cellsByHeader(figureCells.length, header);
  if (byHeader !== undefined) {
    const out: Omit<RowFigure, 'sentence'>[] = [];
    const current = figureCells[byHeader.current];
    const key = labelKey(label);
    const figure = current === undefined ? undefined : read(current, key, RATE_ITEM.test(label));
    if (figure !== undefined) out.push(figure);
    // The revenue's change between the periods is its growth; other rows' changes label nothing.
    const change = byHeader.change === undefined ? undefined : figureCells[byHeader.change];
    if (figure !== undefined && isRevenue(label) && change !== undefined && /[%％]$/u.test(change)) {
      const number = readNumber(change, language);
      if (number !== undefined) {
        out.push({
          label: 'growth',
          value: `${number.negative ? '-' : ''}${number.digits}%`,
          kind: 'percentage',
          total: false,
        });
      }
    }
    return out;
  }
  // More figures than a value, its comparison and the change: a matrix (components, years)
  // whose cell only its header could attribute.
  if (cells.filter((c) => /\d/u.test(c)).length > MAX_ROW_FIGURES) return [];
  let i = 0;
  if (CURRENCY_CELL.test(cells[0] ?? '')) i++;
  let cell = cells[i];
  if (cell === undefined || !NUMBER_CELL.test(cell)) return [];
  // A rate, then the amount it gives ("Tax 15% on $ 112.90 $ 16.94", "Sales tax 9.25% 23.13"):
  // under a line item that is no rate, the percentage only qualifies the amount, which is the
  // row's last figure (a base the rate applies to stands between them).
  if (/[%％]$/u.test(cell) && !RATE_ITEM.test(label) && isLineItem(label)) {
    const amount = cells.findLast((c) => NUMBER_CELL.test(c) && !/[%％]$/u.test(c));
    if (amount === undefined || cells.indexOf(amount) < i) return [];
    cell = amount;
  }
  const figure = read(cell, labelKey(label), RATE_ITEM.test(label));
  return figure === undefined ? [] : [figure];
}

/**
 * One cell's figure under `key`: a percentage only where the label names a rate; an amount
 * only under a line item, or a total whose currency the row or its table states, and never
 * a number with no currency or unit anywhere (a count, a code, a year).
 */
function cellFigure(
  cell: string,
  next: string | undefined,
  key: string,
  label: string,
  percentOk: boolean,
  where: {
    unit: Unit | undefined;
    labelUnit: Unit;
    language: string;
    cells: readonly string[];
    documentCurrency: string | undefined;
  },
): Omit<RowFigure, 'sentence'> | undefined {
  const { unit, labelUnit, language, cells, documentCurrency } = where;
  if (!NUMBER_CELL.test(cell)) return undefined;
  const percent = /[%％]/u.test(cell) || next === '%';
  const before = cells[cells.indexOf(cell) - 1];
  const currencyCell = before !== undefined && CURRENCY_CELL.test(before) ? before : undefined;
  const inlineCurrency = cellCurrency(currencyCell ?? cell) ?? labelUnit.currency;
  // An amount written to the cent ("250.00") in a document that states one currency (an
  // invoice's "Amount USD" column, its "TOTAL USD 273.13") is in that currency; a whole
  // number in a table without a unit may be a count, and stays out.
  const currency = inlineCurrency ?? unit?.currency ?? (CENTS.test(cell) && !percent ? documentCurrency : undefined);
  const total = TOTAL_LABEL.test(label);
  if (percent) {
    if (!percentOk) return undefined;
  } else if (!isLineItem(label) && !isLineItem(key) && !(total && currency !== undefined)) {
    return undefined;
  } else if (currency === undefined && unit?.scale === undefined && labelUnit.scale === undefined) {
    return undefined;
  }
  const number = readNumber(cell, language);
  if (number === undefined) return undefined;
  if (percent)
    return { label: key, value: `${number.negative ? '-' : ''}${number.digits}%`, kind: 'percentage', total };
  const scaleWord =
    next !== undefined && SCALE_CELL.test(next)
      ? next
      : PER_SHARE_LABEL.test(label)
        ? undefined
        : (labelUnit.scale ?? unit?.scale);
  const { value } = scaledAmount(number.digits, scaleWord);
  const prefix = CURRENCY_PREFIX[currency ?? 'USD'] ?? '';
  return { label: key, value: `${number.negative ? '-' : ''}${prefix}${value}`, kind: 'money', total };
}
