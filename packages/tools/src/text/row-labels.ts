/*
 * A table row's label: where it is written (wrapped, or a heading above), and whether it names a line item.
 */
import { METRIC_KEYWORDS } from './metric-keywords';
import { CURRENCY_CELL, NUMBER_CELL } from './row-cells';
import type { Sentence } from './sentences';

// Line items that name a figure of the business, in the corpus's languages and the common
// ones: a row's label (its qualifiers aside) must be one of them. English ones are the
// METRIC_KEYWORDS that name amounts; a row whose label merely mentions one ("Provision for
// income taxes", "Net changes in the fair value of cash flow hedges") is a detail, not a key figure.
export const LINE_ITEMS = [
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
export const RATE_ITEM = new RegExp(
  `^(?:effective |adjusted |average |weighted average )?(?:${METRIC_KEYWORDS.filter(
    (k) => !k.movement && k.kinds.includes('percentage'),
  )
    .map((k) => k.pattern)
    .join('|')}|return on (?:net )?assets|加权平均净资产收益率)$`,
  'iu',
);
// A label that only says "total" names money only where the row or its table says which currency.
export const TOTAL_LABEL =
  /^(?:(?:sub-?|grand |invoice )?totals?|totales|amount due|balance due|summe|gesamt(?:betrag)?|montant total|合計|合计|总计)$/iu;
export const PER_SHARE_LABEL = /per share|\beps\b|每股|1株当たり/iu;

/**
 * The label written before a row's first cell, joined to the line above where it wraps: a
 * row with no label of its own takes the headings right above it in its paragraph, back to
 * the row before (a label that wraps over two lines: "归属于上市公司股东的扣除非经常性损" /
 * "益的净利润（元）" / the cells); a label that begins in lower case continues the heading
 * above ("Exportaciones totales" / "pesqueras 895 ..."). Undefined for a row with no label.
 */
export function rowLabel(sentences: readonly Sentence[], index: number): string | undefined {
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

/** A row's label without its unit ("（元）", "(M€)"), footnote marks or closing colon. */
export function cleanLabel(label: string): string {
  return label
    .replace(/[(（][^()（）]*[)）]/gu, ' ')
    .replace(/[:：*†]+/gu, ' ')
    .replace(/\s+/gu, ' ')
    .trim();
}

/** Whether a label is a line item, qualifiers aside ("Adjusted EPS", "Total company sales", "BY REVENUE"). */
export function isLineItem(label: string): boolean {
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

export function isRevenue(label: string): boolean {
  return REVENUE_ITEM.test(label) || REVENUE_ITEM.test(label.replace(QUALIFIERS, '').trim());
}

const KNOWN_LABELS = METRIC_KEYWORDS.map((k) => ({ label: k.label, pattern: new RegExp(`^(?:${k.pattern})$`, 'iu') }));

/** A known metric's name where the label is just that ("Revenue", "Net income"), else the label in snake case. */
export function labelKey(label: string): string {
  const bare = label.replace(QUALIFIERS, '').trim();
  const known = KNOWN_LABELS.find((k) => k.pattern.test(label)) ?? KNOWN_LABELS.find((k) => k.pattern.test(bare));
  if (known !== undefined) return known.label;
  return label
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '_')
    .replace(/^_+|_+$/gu, '');
}
