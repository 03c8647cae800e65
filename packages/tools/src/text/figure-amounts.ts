import type { KeywordMatch } from './keyword-matches';
import type { FigureKind } from './metric-keywords';
import { LOOK_BACK, textBefore } from './text-window';

/** An amount of money, a percentage or a count as stated in the text, before any label. */
export interface StatedAmount {
  kind: FigureKind;
  /** Normalised: "10.5M", "750K", "€2.3B", "15%" (see `formatAmount`). */
  value: string;
  /** The number itself: 10500000 for "$10.5 million", 15 for "15%". */
  amount: number;
  /** ISO 4217 code for money, null for percentages. */
  currency: string | null;
  /** As written in the text. */
  text: string;
}

const NUMBER = String.raw`\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?`;
const SCALE = String.raw`(?:\s?(?:thousand|million|billion|trillion|mn|bn)|k|mm|m|b|t)(?![\p{L}\p{N}])`;
const CURRENCY_BEFORE = String.raw`US\$|A\$|C\$|\$|€|£|¥|(?<![\p{L}])(?:USD|EUR|GBP|JPY|CHF|AUD|CAD)\s?`;
const CURRENCY_AFTER = String.raw`\s?(?:dollars|usd|euros?|eur|meur|musd|pounds|gbp)(?![\p{L}])`;

// "$10.5 million", "€2.3bn", "USD 750,000" or "10 million dollars".
const MONEY = new RegExp(
  String.raw`(?<cur>${CURRENCY_BEFORE})(?<num>${NUMBER})(?<scale>${SCALE})?` +
    String.raw`|(?<![\p{N}.,])(?<num2>${NUMBER})(?<scale2>${SCALE})?(?<cur2>${CURRENCY_AFTER})`,
  'giu',
);
// "15%", "15 percent", "-3.5 per cent".
const PERCENTAGE = new RegExp(
  String.raw`(?<![\p{L}\p{N}.,])(?<sign>[-+−]?)(?<num>\d+(?:\.\d+)?)\s?(?:%|(?:percent|per cent|pct)(?![\p{L}]))`,
  'giu',
);

const CURRENCY_CODES: Readonly<Record<string, string>> = {
  $: 'USD',
  us$: 'USD',
  usd: 'USD',
  dollars: 'USD',
  a$: 'AUD',
  aud: 'AUD',
  c$: 'CAD',
  cad: 'CAD',
  '€': 'EUR',
  eur: 'EUR',
  meur: 'EUR',
  musd: 'USD',
  euro: 'EUR',
  euros: 'EUR',
  '£': 'GBP',
  gbp: 'GBP',
  pounds: 'GBP',
  '¥': 'JPY',
  jpy: 'JPY',
  chf: 'CHF',
};
/** How an amount in each currency is written before its digits (none for dollars). */
export const CURRENCY_PREFIX: Readonly<Record<string, string>> = {
  EUR: '€',
  GBP: '£',
  JPY: '¥',
  AUD: 'A$',
  CAD: 'C$',
  CHF: 'CHF ',
  CNY: 'CN¥',
  INR: '₹',
};

const UNITS = [
  { suffix: 'T', size: 1e12 },
  { suffix: 'B', size: 1e9 },
  { suffix: 'M', size: 1e6 },
  { suffix: 'K', size: 1e3 },
] as const;
const SCALE_SUFFIX: Readonly<Record<string, 'K' | 'M' | 'B' | 'T'>> = {
  thousand: 'K',
  k: 'K',
  million: 'M',
  mn: 'M',
  mm: 'M',
  m: 'M',
  billion: 'B',
  bn: 'B',
  b: 'B',
  trillion: 'T',
  t: 'T',
};

/**
 * Amounts are shown compactly with K/M/B/T. A scale word is kept as written ("$10.5 million"
 * → "10.5M", "$2.3 billion" → "2.3B"); a plain amount of 1,000 or more is scaled down to at
 * most two decimals ("$750,000" → "750K", "$1,250,000" → "1.25M"); smaller ones stay as
 * written ("$950" → "950").
 */
export function formatAmount(digits: string, scale: string | undefined): { value: string; amount: number } {
  const plain = digits.replace(/,/g, '');
  const base = Number(plain);
  const suffix = scale === undefined ? undefined : SCALE_SUFFIX[scale.trim().toLowerCase()];
  if (suffix !== undefined) {
    const size = UNITS.find((u) => u.suffix === suffix)?.size ?? 1;
    return { value: `${plain}${suffix}`, amount: base * size };
  }
  for (const [i, unit] of UNITS.entries()) {
    if (base < unit.size) continue;
    const scaled = Number((base / unit.size).toFixed(2));
    // 999,999 rounds to 1000K: show it as 1M instead.
    const larger = UNITS[i - 1];
    if (scaled >= 1000 && larger !== undefined)
      return { value: `${Number((base / larger.size).toFixed(2))}${larger.suffix}`, amount: base };
    return { value: `${scaled}${unit.suffix}`, amount: base };
  }
  return { value: plain, amount: base };
}

/** A figure found in a sentence, where it starts and ends. */
export interface Located {
  start: number;
  end: number;
  figure: StatedAmount;
  /** Written in parentheses as a negative amount: "($0.25)", "($479) million". */
  negative?: true;
}

// The currency of an amount in cents, until the text's own currency is known (`withCentsCurrency`).
const CENTS = 'cents';
// "20 cents", "49¢": a fraction of the text's currency.
const CENTS_AMOUNT = /(?<![\p{L}\p{N}.,$€£¥])(?<num>\d{1,2}(?:\.\d+)?)\s?(?:cents?|¢)(?![\p{L}])/giu;
// Before "($0.25)": a negative amount stands where an amount is stated ("EPS of ($0.25)", "was
// ($479) million", "Net loss: ($5M)"); after a noun, "(EUR 11)" is an aside giving a value.
const NEGATIVE_OPEN = /(?:^|(?<![\p{L}])(?:of|was|were|is|are|at|to)|[:=])\s*$/iu;
// After "($479": the closing parenthesis of a negative amount, and its scale word if any.
const NEGATIVE_CLOSE = /^\)(?<scale>\s?(?:thousand|million|billion|trillion|mn|bn)(?![\p{L}]))?/iu;

export function moneyIn(sentence: string): Located[] {
  const out: Located[] = [];
  for (const match of sentence.matchAll(MONEY)) {
    const groups = match.groups ?? {};
    const digits = groups.num ?? groups.num2;
    const symbol = (groups.cur ?? groups.cur2 ?? '').trim().toLowerCase();
    if (digits === undefined) continue;
    const currency = CURRENCY_CODES[symbol] ?? 'USD';
    // "75.5 MEUR": millions of euros, the scale written into the currency.
    const millions = symbol === 'meur' || symbol === 'musd' ? 'M' : undefined;
    let end = match.index + match[0].length;
    let scale = groups.scale ?? groups.scale2 ?? millions;
    const close =
      sentence[match.index - 1] === '(' && NEGATIVE_OPEN.test(textBefore(sentence, match.index - 1))
        ? NEGATIVE_CLOSE.exec(sentence.slice(end))
        : null;
    if (close !== null) {
      end += close[0].length;
      scale ??= close.groups?.scale;
    }
    const { value, amount } = formatAmount(digits, scale);
    const sign = close === null ? '' : '-';
    out.push({
      start: match.index,
      end,
      figure: {
        kind: 'money',
        value: `${sign}${CURRENCY_PREFIX[currency] ?? ''}${value}`,
        amount: close === null ? amount : -amount,
        currency,
        text: sentence.slice(match.index, end).trim(),
      },
      ...(close === null ? {} : { negative: true as const }),
    });
  }
  for (const match of sentence.matchAll(CENTS_AMOUNT)) {
    const amount = Number(match.groups?.num ?? '') / 100;
    out.push({
      start: match.index,
      end: match.index + match[0].length,
      figure: { kind: 'money', value: amount.toFixed(2), amount, currency: CENTS, text: match[0] },
    });
  }
  return out;
}

// A plain number: "71,469", "2,32,822" (Indian grouping), "1.31", "3.07 billion".
const PLAIN_NUMBER =
  /(?<![\p{L}\p{N}.,$€£¥₹`%+−-])(?<num>\d{1,3}(?:,\d{2,3})*,\d{3}(?:\.\d+)?|\d+(?:\.\d+)?)(?<scale>\s(?:thousand|million|billion|trillion))?(?![\p{L}\p{N}%$€£¥]|[.,]\d|\s?(?:%|percent|per cent))/giu;

/**
 * Plain numbers, only in a sentence that names a count or a ratio (headcount, daily active
 * users, net debt to EBITDA): a year ("2023") is none, and a number with no scale word is
 * kept as written, without its grouping ("71,469" → "71469").
 */
export function numbersIn(sentence: string, keywords: readonly KeywordMatch[]): Located[] {
  if (!keywords.some((k) => k.keyword.kinds.includes('number'))) return [];
  const out: Located[] = [];
  for (const match of sentence.matchAll(PLAIN_NUMBER)) {
    const digits = match.groups?.num ?? '';
    const scale = match.groups?.scale;
    if (scale === undefined && /^(?:19|20)\d{2}$/u.test(digits)) continue;
    const { value, amount } =
      scale === undefined
        ? { value: digits.replace(/,/gu, ''), amount: Number(digits.replace(/,/gu, '')) }
        : formatAmount(digits, scale);
    out.push({
      start: match.index,
      end: match.index + match[0].length,
      figure: { kind: 'number', value, amount, currency: null, text: match[0] },
    });
  }
  return out;
}

// Between the two ends of a range: "9-11 MEUR", "$4.45 – $4.60", "1.0% – 2.0%".
const RANGE_DASH = /^\s?[-–—]\s?$/u;
// A bare number before a dash, the low end of a range whose unit its high end states.
const RANGE_LOW = new RegExp(String.raw`(?<![\p{L}\p{N}.,])(?<num>${NUMBER})\s?[-–—]\s?$`, 'u');
// Ends further apart than this are two figures, not a range ("2024 – $75.5M").
const MAX_RANGE_RATIO = 10;

/**
 * Figures that are the two ends of a range, joined: "290-310 MEUR" → "€290M–€310M", "$5.0 –
 * $5.2 billion" → "5B–5.2B" (the high end's scale applies to both), "1.0% – 2.0%". The
 * amount is the low end's.
 */
export function withRanges(sentence: string, found: readonly Located[]): Located[] {
  const out: Located[] = [];
  for (const located of found) {
    const { figure } = located;
    if (figure.kind === 'number') {
      out.push(located);
      continue;
    }
    const previous = out.at(-1);
    let low: { start: number; text: string; amount: number; value: string } | undefined;
    if (
      previous !== undefined &&
      previous.figure.kind === figure.kind &&
      previous.negative === undefined &&
      RANGE_DASH.test(sentence.slice(previous.end, located.start))
    ) {
      out.pop();
      const scaled = scaledLikeHigh(previous.figure.text, figure);
      low = { start: previous.start, text: previous.figure.text, ...scaled };
    } else {
      const from = Math.max(0, located.start - LOOK_BACK);
      const found = RANGE_LOW.exec(sentence.slice(from, located.start));
      const bare = found === null ? null : { index: from + found.index, groups: found.groups };
      const digits = bare?.groups?.num;
      if (bare !== null && digits !== undefined && !(previous !== undefined && previous.end > bare.index)) {
        low = { start: bare.index, text: digits, ...scaledLikeHigh(digits, figure) };
      }
    }
    const plausible =
      low !== undefined &&
      low.amount < figure.amount &&
      low.amount * MAX_RANGE_RATIO >= figure.amount &&
      low.amount > 0;
    if (low === undefined || !plausible) {
      out.push(located);
      continue;
    }
    out.push({
      start: low.start,
      end: located.end,
      figure: {
        ...figure,
        value: `${low.value}–${figure.value}`,
        amount: low.amount,
        text: sentence.slice(low.start, located.end),
      },
    });
  }
  return out;
}

/** A range's low end in its high end's currency and scale: "290" before "310 MEUR" is €290M. */
function scaledLikeHigh(text: string, high: Located['figure']): { amount: number; value: string } {
  const digits = /\d[\d,]*(?:\.\d+)?/u.exec(text)?.[0] ?? '';
  const number = Number(digits.replace(/,/gu, ''));
  if (high.kind === 'percentage') return { amount: number, value: `${digits}%` };
  const ownScale = /(?:thousand|million|billion|trillion|mn|bn)\s*$/iu.exec(text)?.[0];
  const highScale = /[KMBT]$/u.exec(high.value)?.[0];
  const prefix = high.value.replace(/[\d.,].*$/u, '');
  if (ownScale !== undefined || highScale === undefined || high.currency === CENTS) {
    const { value, amount } = formatAmount(digits, ownScale);
    return { amount, value: `${prefix}${value}` };
  }
  const size = UNITS.find((u) => u.suffix === highScale)?.size ?? 1;
  return { amount: number * size, value: `${prefix}${Number(digits.replace(/,/gu, ''))}${highScale}` };
}

export function percentagesIn(sentence: string): Located[] {
  const out: Located[] = [];
  for (const match of sentence.matchAll(PERCENTAGE)) {
    const digits = match.groups?.num;
    if (digits === undefined) continue;
    const sign = match.groups?.sign === '-' || match.groups?.sign === '−' ? '-' : '';
    out.push({
      start: match.index,
      end: match.index + match[0].length,
      figure: {
        kind: 'percentage',
        value: `${sign}${digits}%`,
        amount: Number(`${sign}${digits}`),
        currency: null,
        text: match[0],
      },
    });
  }
  return out;
}

/**
 * Amounts in cents ("20 cents") are in the currency the text states most amounts in: an
 * analyst note on a Finnish company writes "EUR 0.44" and "20 cents" of the same euro.
 */
export function withCentsCurrency<T extends StatedAmount>(figures: T[]): T[] {
  if (!figures.some((f) => f.currency === CENTS)) return figures;
  const counts = new Map<string, number>();
  for (const f of figures)
    if (f.currency !== null && f.currency !== CENTS) counts.set(f.currency, (counts.get(f.currency) ?? 0) + 1);
  const currency = [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'USD';
  return figures.map((f) =>
    f.currency === CENTS ? { ...f, currency, value: `${CURRENCY_PREFIX[currency] ?? ''}${f.value}` } : f,
  );
}
