/*
 * Reading a table row's cells: numbers as written (negatives, decimal commas), their currency and scale.
 */
import { formatAmount } from './figure-amounts';
import type { Sentence } from './sentences';

export const CURRENCY_CELL = /^(?:US\$|u\$s|\$|€|£|¥|₹|`|USD|EUR|GBP|JPY|CNY|RMB|INR)$/iu;
export const NUMBER_CELL = /^[(（]?[-−+△▲]?(?:US\$|\$|€|£|¥|₹|`)?\d[\d.,]*[%％]?[)）]?[.,;]?$/u;
export const SCALE_CELL = /^(?:million|billion|thousand|crores?|lakhs?|bn|mn|MEUR|MUSD)$/iu;

export const CENTS = /\d[.,]\d{2}[)）]?$/u;

/**
 * The one currency a document's rows and table headers state ("TOTAL USD 273.13", "Amount
 * USD", "$ 16.94"), or undefined where they state none or several.
 */
export function singleCurrency(sentences: readonly Sentence[]): string | undefined {
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

export function cellCurrency(cell: string): string | undefined {
  if (/^(?:US\$|u\$s|\$)|USD/iu.test(cell)) return 'USD';
  if (/€|EUR/iu.test(cell)) return 'EUR';
  if (/£|GBP/iu.test(cell)) return 'GBP';
  if (/¥|JPY/iu.test(cell)) return 'JPY';
  if (/₹|INR|^`/iu.test(cell)) return 'INR';
  if (/CNY|RMB/iu.test(cell)) return 'CNY';
  return undefined;
}

/** "(479)", "△525", "-4,648,986.52", "34,73" (a decimal comma in German, French, Spanish...). */
export function readNumber(cell: string, language: string): { digits: string; negative: boolean } | undefined {
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
export function scaledAmount(digits: string, scale: string | undefined): { value: string } {
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
