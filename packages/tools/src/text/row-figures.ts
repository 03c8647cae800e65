import { formatAmount } from './figure-amounts';
import { METRIC_KEYWORDS } from './metric-keywords';
import { findLedgerBalances } from './ledger-balances';
import type { RowFigure } from './row-figure';
import type { Sentence } from './sentences';
import { cellsByHeader, readPeriodHeader, type PeriodHeader } from './table-header';

/** The unit a table declares for its amounts ("In millions", "Yen (millions)", "(単位：百万円)", "M€"). */
interface Unit {
  scale: string | undefined;
  currency: string | undefined;
}

// A unit stated once holds for the table under it: this many sentences at most.
const UNIT_REACH = 60;
const UNIT_SCALE: readonly (readonly [RegExp, string])[] = [
  [
    /百万円|百万元|(?<![\p{L}])(?:in |\()?millions?(?![\p{L}])|(?<![\p{L}])mill?\.(?=\s|$)|\bM€|\bMEUR\b|\bM\.?U\$S\b/iu,
    'million',
  ],
  [/千円|千元|(?<![\p{L}])(?:in |\()?thousands?(?![\p{L}])|\bT€|\bTEUR\b/iu, 'thousand'],
  [/十亿|(?<![\p{L}])(?:in |\()?billions?(?![\p{L}])/iu, 'billion'],
  [/(?<![\p{L}])(?:in )?crores?(?![\p{L}])/iu, 'crore'],
];
const UNIT_CURRENCY: readonly (readonly [RegExp, string])[] = [
  [/円|(?<![\p{L}])yen(?![\p{L}])|¥/iu, 'JPY'],
  [/元|人民币|(?<![\p{L}])(?:rmb|cny)(?![\p{L}])/iu, 'CNY'],
  [/€|(?<![\p{L}])eur(?:os?)?(?![\p{L}])|MEUR/iu, 'EUR'],
  [/₹|(?<![\p{L}])(?:inr|rs\.?)(?![\p{L}])|crore/iu, 'INR'],
  [/£|(?<![\p{L}])gbp(?![\p{L}])/iu, 'GBP'],
  [/u\$s|us\$|\$|(?<![\p{L}])usd(?![\p{L}])/iu, 'USD'],
];
// A sentence that declares a unit: short, and saying so ("In millions, except ...", "単位：元").
const UNIT_STATEMENT =
  /(?:^|[\s(（])(?:in (?:millions|thousands|billions|crores?)|\(?(?:yen|euros?|dollars|usd|eur)\s*\((?:millions|thousands)\)|単位|单位|百万円|千円|M€|MEUR|Mill\.)/iu;
const MAX_UNIT_STATEMENT_WORDS = 30;

const CURRENCY_CELL = /^(?:US\$|u\$s|\$|€|£|¥|₹|`|USD|EUR|GBP|JPY|CNY|RMB|INR)$/iu;
const NUMBER_CELL = /^[(（]?[-−+△▲]?(?:US\$|\$|€|£|¥|₹|`)?\d[\d.,]*[%％]?[)）]?[.,;]?$/u;
const SCALE_CELL = /^(?:million|billion|thousand|crores?|lakhs?|bn|mn|MEUR|MUSD)$/iu;

// Line items that name a figure of the business, in the corpus's languages and the common
// ones: a row's label (its qualifiers aside) must be one of them. English ones are the
// METRIC_KEYWORDS that name amounts; a row whose label merely mentions one ("Provision for
// income taxes", "Net changes in the fair value of cash flow hedges") is a detail, not a key figure.
const LINE_ITEMS = [
  ...METRIC_KEYWORDS.filter((k) => k.kinds.includes('money')).map((k) => k.pattern),
  'ebita|costs and expenses|comprehensive income|earnings per share|income from operations|operating profit',
  'ebt|earnings before taxes|profit before tax(?:es)?|income before (?:income )?taxes',
  'sales tax|vat|value added tax|gst|mwst|mehrwertsteuer|umsatzsteuer|tva|iva',
  'exports|grants|amount due|balance due|net assets|total assets|total equity|shareholders. equity|market capitali[sz]ation',
  'umsatz(?:erlöse)?|jahresüberschuss|gewinn|chiffre d.affaires|résultat net|bénéfice net|ventas|ingresos|beneficio neto',
  '売上高|営業利益|経常利益|当期純利益|純資産合計|株主資本合計|剰余金の配当|総資産',
  '营业收入|营业总收入|净利润|归属于上市公司股东的净利润|总资产|归属于上市公司股东的净资产|基本每股收益|经营活动产生的现金流量净额',
];
// Words that qualify a line item without changing what it is.
const QUALIFIERS =
  /^(?:(?:total|adjusted|diluted|basic|reported|consolidated|group|net|gross|company|fifo|non-gaap|gaap|by)\s+)+/iu;
const LINE_ITEM = new RegExp(`^(?:${LINE_ITEMS.join('|')})$`, 'iu');
// Rates a row may state as a percentage: the METRIC_KEYWORDS that name one (margins, tax rate), qualified or not.
const RATE_ITEM = new RegExp(
  `^(?:effective |adjusted |average |weighted average )?(?:${METRIC_KEYWORDS.filter(
    (k) => !k.movement && k.kinds.includes('percentage'),
  )
    .map((k) => k.pattern)
    .join('|')}|return on (?:net )?assets|加权平均净资产收益率)$`,
  'iu',
);
// A label that only says "total" names money only where the row or its table says which currency.
const TOTAL_LABEL =
  /^(?:(?:sub-?|grand |invoice )?totals?|totales|amount due|balance due|summe|gesamt(?:betrag)?|montant total|合計|合计|总计)$/iu;
const PER_SHARE_LABEL = /per share|\beps\b|每股|1株当たり/iu;
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
 * The label written before a row's first cell, joined to the line above where it wraps: a
 * row with no label of its own takes the headings right above it in its paragraph, back to
 * the row before (a label that wraps over two lines: "归属于上市公司股东的扣除非经常性损" /
 * "益的净利润（元）" / the cells); a label that begins in lower case continues the heading
 * above ("Exportaciones totales" / "pesqueras 895 ..."). Undefined for a row with no label.
 */
function rowLabel(sentences: readonly Sentence[], index: number): string | undefined {
  const sentence = sentences[index]!;
  const tokens = sentence.text.trim().split(/\s+/u);
  const first = tokens.findIndex((t) => CURRENCY_CELL.test(t) || NUMBER_CELL.test(t));
  const own = tokens.slice(0, Math.max(first, 0)).join(' ');
  const above: string[] = [];
  for (let i = index - 1; i >= 0 && above.length < MAX_LABEL_LINES; i--) {
    const previous = sentences[i]!;
    if (previous.kind !== 'heading') break;
    // The heading right above is the label of a row without one; a line above that only where
    // the label wraps within the table's paragraph.
    if (above.length > 0 && previous.paragraph !== sentence.paragraph) break;
    above.unshift(previous.text);
    // A heading that ends a phrase ("BY REVENUE", "Net profit:") is the whole label.
    if (own !== '' || !CJK_END.test(previous.text)) break;
  }
  if (own === '') return above.length > 0 ? joinLabel(above) : undefined;
  if (/^\p{Ll}/u.test(own) && above.length > 0) return joinLabel([above.at(-1)!, own]);
  return own;
}

const MAX_LABEL_LINES = 2;
// A line that ends inside a CJK word: no closing bracket, unit or punctuation after it.
const CJK_END = /[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}]$/u;

/** Lines of one label joined: CJK without a space, other scripts with one. */
function joinLabel(lines: readonly string[]): string {
  return lines.reduce((joined, line) =>
    CJK_END.test(joined) && /^[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}]/u.test(line)
      ? joined + line
      : `${joined} ${line}`,
  );
}

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

function isUnitStatement(text: string): boolean {
  return UNIT_STATEMENT.test(text) && text.split(/\s+/u).length <= MAX_UNIT_STATEMENT_WORDS;
}

function unitOf(text: string): Unit {
  return {
    scale: UNIT_SCALE.find(([pattern]) => pattern.test(text))?.[1],
    currency: UNIT_CURRENCY.find(([pattern]) => pattern.test(text))?.[1],
  };
}

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

const CENTS = /\d[.,]\d{2}[)）]?$/u;

/**
 * The one currency a document's rows and table headers state ("TOTAL USD 273.13", "Amount
 * USD", "$ 16.94"), or undefined where they state none or several.
 */
function singleCurrency(sentences: readonly Sentence[]): string | undefined {
  const found = new Set<string>();
  for (const sentence of sentences) {
    if (sentence.kind !== 'row' && sentence.kind !== 'heading') continue;
    for (const token of sentence.text.split(/\s+/u)) {
      if (!CURRENCY_CELL.test(token) && !(NUMBER_CELL.test(token) && /^[(（]?[-−]?\D/u.test(token))) continue;
      const currency = cellCurrency(token);
      if (currency !== undefined) found.add(currency);
    }
  }
  return found.size === 1 ? [...found][0] : undefined;
}

const CURRENCY_PREFIX: Readonly<Record<string, string>> = {
  USD: '',
  EUR: '€',
  GBP: '£',
  JPY: '¥',
  CNY: 'CN¥',
  INR: '₹',
};

function cellCurrency(cell: string): string | undefined {
  if (/^(?:US\$|u\$s|\$)|USD/iu.test(cell)) return 'USD';
  if (/€|EUR/iu.test(cell)) return 'EUR';
  if (/£|GBP/iu.test(cell)) return 'GBP';
  if (/¥|JPY/iu.test(cell)) return 'JPY';
  if (/₹|INR|^`/iu.test(cell)) return 'INR';
  if (/CNY|RMB/iu.test(cell)) return 'CNY';
  return undefined;
}

/** "(479)", "△525", "-4,648,986.52", "34,73" (a decimal comma in German, French, Spanish...). */
function readNumber(cell: string, language: string): { digits: string; negative: boolean } | undefined {
  const negative = /^[(（]|^[-−△▲]|^[^\d]*[-−]/u.test(cell);
  let digits = (/\d[\d.,]*/u.exec(cell)?.[0] ?? '').replace(/[.,]+$/u, '');
  if (digits === '') return undefined;
  if (DECIMAL_COMMA.has(language) && /^\d{1,3}(?:\.\d{3})*,\d{1,2}$/u.test(digits)) {
    digits = digits.replace(/\./gu, '').replace(',', '.');
  } else if (
    /^\d{1,3}(?:\.\d{3}){2,}$/u.test(digits) ||
    (DECIMAL_COMMA.has(language) && /^\d{1,3}\.\d{3}$/u.test(digits))
  ) {
    digits = digits.replace(/\./gu, '');
  } else {
    digits = digits.replace(/,/gu, '');
  }
  return Number.isFinite(Number(digits)) ? { digits, negative } : undefined;
}
const DECIMAL_COMMA = new Set(['de', 'fr', 'es', 'it', 'pt', 'nl', 'da', 'sv', 'fi', 'no', 'pl', 'ru', 'tr']);

/** An amount with its scale word: "31999" in millions is "32.0B" (31,999 million). */
function scaledAmount(digits: string, scale: string | undefined): { value: string } {
  const size = scale === undefined ? 1 : (SCALE_SIZE[scale.toLowerCase().replace(/s$/u, '')] ?? 1);
  const amount = Number(digits) * size;
  return { value: formatAmount(String(amount), undefined).value };
}
const SCALE_SIZE: Readonly<Record<string, number>> = {
  thousand: 1e3,
  million: 1e6,
  mn: 1e6,
  meur: 1e6,
  musd: 1e6,
  billion: 1e9,
  bn: 1e9,
  crore: 1e7,
  lakh: 1e5,
};

/** A row's label without its unit ("（元）", "(M€)"), footnote marks or closing colon. */
function cleanLabel(label: string): string {
  return label
    .replace(/[(（][^()（）]*[)）]/gu, ' ')
    .replace(/[:：*†]+/gu, ' ')
    .replace(/\s+/gu, ' ')
    .trim();
}

/** Whether a label is a line item, qualifiers aside ("Adjusted EPS", "Total company sales", "BY REVENUE"). */
function isLineItem(label: string): boolean {
  const bare = label.replace(QUALIFIERS, '').trim();
  return LINE_ITEM.test(bare) || LINE_ITEM.test(label) || NOUN_FIRST_ITEM.test(label);
}
// Spanish, French, Italian and Portuguese put the noun first and its qualifiers after it
// ("Exportaciones totales pesqueras", "Chiffre d'affaires net"): a short label that begins
// with one of their line items is that line item.
const NOUN_FIRST_ITEM =
  /^(?:exportaciones|importaciones|ventas|ingresos|beneficio|resultado|exportations|ventes|résultat|bénéfice|esportazioni|ricavi|utile|exportações|receitas|lucro)(?:\s+\p{Ll}[\p{L}.]*){0,2}$/iu;

// Revenue in the corpus's languages, qualifiers aside: its change between periods is the growth.
const REVENUE_ITEM = new RegExp(
  `^(?:${METRIC_KEYWORDS.find((k) => k.label === 'revenue')?.pattern ?? 'revenues?'}|umsatz(?:erlöse)?|chiffre d.affaires|ventas|ingresos|売上高|营业收入|营业总收入)$`,
  'iu',
);

function isRevenue(label: string): boolean {
  return REVENUE_ITEM.test(label) || REVENUE_ITEM.test(label.replace(QUALIFIERS, '').trim());
}

const KNOWN_LABELS = METRIC_KEYWORDS.map((k) => ({ label: k.label, pattern: new RegExp(`^(?:${k.pattern})$`, 'iu') }));

/** A known metric's name where the label is just that ("Revenue", "Net income"), else the label in snake case. */
function labelKey(label: string): string {
  const bare = label.replace(QUALIFIERS, '').trim();
  const known = KNOWN_LABELS.find((k) => k.pattern.test(label)) ?? KNOWN_LABELS.find((k) => k.pattern.test(bare));
  if (known !== undefined) return known.label;
  return label
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '_')
    .replace(/^_+|_+$/gu, '');
}
