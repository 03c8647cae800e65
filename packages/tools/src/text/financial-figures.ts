import { METRIC_KEYWORDS } from './metric-keywords';
import type { FigureKind, MetricKeyword } from './metric-keywords';

/** An amount of money or a percentage stated in the text. */
export interface Figure {
  kind: FigureKind;
  /**
   * The metric it is about, from the nearest keyword in its sentence, with `_change` for an
   * amount "by" which something moved; null when no keyword is near.
   */
  label: string | null;
  /** Normalised: "10.5M", "750K", "€2.3B", "15%" (see `formatAmount`). */
  value: string;
  /** The number itself: 10500000 for "$10.5 million", 15 for "15%". */
  amount: number;
  /** ISO 4217 code for money, null for percentages. */
  currency: string | null;
  /** As written in the text. */
  text: string;
  /** Index of the sentence it was found in. */
  sentence: number;
  /**
   * Its sentence states a headline figure: a total, annual, full-year, consolidated,
   * overall or final one (see `keyMetrics`).
   */
  headline: boolean;
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
const CURRENCY_PREFIX: Readonly<Record<string, string>> = {
  EUR: '€',
  GBP: '£',
  JPY: '¥',
  AUD: 'A$',
  CAD: 'C$',
  CHF: 'CHF ',
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

// Words that mark a sentence as stating the figure a reader asks for first: the total,
// the year's, the final one, rather than a part, a week's or an interim one.
const HEADLINE =
  /(?<![\p{L}])(?:total(?:s|ed|led|ing)?|overall|consolidated|annual|full[- ]year|final|fiscal year|for the year)(?![\p{L}])/iu;

// A keyword this many words from a figure is about something else.
const MAX_LABEL_DISTANCE = 10;
// A headline word qualifies a figure it stands this close to ("total company sales", "full-year revenue", "12% for the year").
const HEADLINE_REACH = 16;
const CLAUSE_BREAK_WORDS = 3;

/**
 * Every amount of money and percentage in the sentences, in text order, labelled.
 * `talksMoney`: whether the whole text states an amount of money somewhere; only then does
 * a bare "growth" name a figure of the business (see `movesAnAmount`).
 */
export function findFigures(sentences: readonly string[], talksMoney = true): Figure[] {
  const figures: Figure[] = [];
  for (const [index, sentence] of sentences.entries()) {
    const found = [...moneyIn(sentence), ...percentagesIn(sentence)].sort((a, b) => a.start - b.start);
    if (found.length === 0) continue;
    const keywords = keywordsIn(sentence);
    for (const { start, end, figure } of found) {
      // "(Q4'23: 2.7 MEUR)", "(+33%)": an aside (a comparison, a part), not the figure stated.
      const named = inParentheses(sentence, start)
        ? undefined
        : nearestLabel(sentence, keywords, figure.kind, start, end, talksMoney);
      const label = named?.label ?? null;
      // "Total company sales were $33.9 billion": the headline word qualifies the figure's own label.
      const headline =
        named !== undefined &&
        HEADLINE.test(sentence.slice(Math.max(0, named.at - HEADLINE_REACH), Math.max(end, named.at) + HEADLINE_REACH));
      // "Revenue increased by $2 million to $12 million": the first amount is a change, not the revenue.
      const isChange = figure.kind === 'money' && /\bby\s*$/iu.test(sentence.slice(0, start));
      figures.push({
        ...figure,
        label: label !== null && isChange ? `${label}_change` : label,
        sentence: index,
        headline,
      });
    }
  }
  return figures;
}

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

interface Located {
  start: number;
  end: number;
  figure: Omit<Figure, 'label' | 'sentence' | 'headline'>;
}

function moneyIn(sentence: string): Located[] {
  const out: Located[] = [];
  for (const match of sentence.matchAll(MONEY)) {
    const groups = match.groups ?? {};
    const digits = groups.num ?? groups.num2;
    const symbol = (groups.cur ?? groups.cur2 ?? '').trim().toLowerCase();
    if (digits === undefined) continue;
    const currency = CURRENCY_CODES[symbol] ?? 'USD';
    // "75.5 MEUR": millions of euros, the scale written into the currency.
    const millions = symbol === 'meur' || symbol === 'musd' ? 'M' : undefined;
    const { value, amount } = formatAmount(digits, groups.scale ?? groups.scale2 ?? millions);
    out.push({
      start: match.index,
      end: match.index + match[0].length,
      figure: {
        kind: 'money',
        value: `${CURRENCY_PREFIX[currency] ?? ''}${value}`,
        amount,
        currency,
        text: match[0].trim(),
      },
    });
  }
  return out;
}

function percentagesIn(sentence: string): Located[] {
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

interface KeywordMatch {
  start: number;
  end: number;
  keyword: MetricKeyword;
}

// One scan finds where keywords start; then the longest keyword starting there is taken
// ("net income", not "income"; "cash flow", not "cash"). Scanning with each keyword's own
// pattern instead costs forty passes over every sentence, seconds on a 3 MB text.
// The patterns are ASCII, so \b is the word boundary they need.
const ANY_KEYWORD = new RegExp(String.raw`\b(?:${METRIC_KEYWORDS.map((k) => k.pattern).join('|')})\b`, 'gi');
const KEYWORD_AT = METRIC_KEYWORDS.map((keyword) => ({
  keyword,
  pattern: new RegExp(String.raw`(?:${keyword.pattern})\b`, 'iy'),
}));

/** Keyword occurrences in a sentence, longest first where several start at one place; none inside another. */
function keywordsIn(sentence: string): KeywordMatch[] {
  const found: KeywordMatch[] = [];
  let coveredUntil = 0;
  for (const match of sentence.matchAll(ANY_KEYWORD)) {
    if (match.index < coveredUntil) continue;
    let best: KeywordMatch | undefined;
    for (const { keyword, pattern } of KEYWORD_AT) {
      pattern.lastIndex = match.index;
      const at = pattern.exec(sentence);
      if (at !== null && (best === undefined || at[0].length > best.end - best.start)) {
        best = { start: match.index, end: match.index + at[0].length, keyword };
      }
    }
    if (best === undefined) continue;
    found.push(best);
    coveredUntil = best.end;
  }
  return found;
}

/**
 * The label of the nearest keyword that can name this kind of figure, by words in between.
 * Figures usually follow what they measure ("revenue of $10.5M", "grew 15%"), so a keyword
 * after the figure counts at twice its distance and loses ties; crossing a comma or other
 * clause break counts as a few more words, since the keyword is then in another clause.
 * A movement word right before "to" is skipped: "churn fell to 4%" is about churn.
 */
function nearestLabel(
  sentence: string,
  keywords: readonly KeywordMatch[],
  kind: FigureKind,
  start: number,
  end: number,
  talksMoney: boolean,
): { label: string; at: number } | undefined {
  // Keywords are in text order and each is a word of its own, so on either side of the
  // figure the nearest keyword that can name it is also the nearest by words: only those
  // two are measured (measuring every keyword cost a pass over the sentence for each pair).
  let before: { label: string; at: number; distance: number } | undefined;
  for (let i = keywords.length - 1; i >= 0 && before === undefined; i--) {
    const { keyword, start: kStart, end: kEnd } = keywords[i]!;
    if (kEnd > start || !keyword.kinds.includes(kind)) continue;
    // "cost per operator", "price per ad": a unit rate, not a figure of the business.
    if (/^\s+per\s/iu.test(sentence.slice(kEnd, kEnd + 6))) continue;
    // "rose to 4%", "can rise to up to 10%": the level reached, not the size of the change.
    if (keyword.movement && /^\s*to\b/iu.test(sentence.slice(kEnd, start))) continue;
    const moved = keyword.movement ? movesAnAmount(sentence, keywords, i, talksMoney) : undefined;
    // The size of a change of something other than the revenue ("unemployment declined 2.5%"):
    // no label, and not the level of the noun before it either.
    if (keyword.movement && moved === undefined) break;
    before = {
      label: keyword.label,
      // A movement's headline word qualifies its subject ("total annual revenue ... up 23.4%").
      at: moved?.subject?.start ?? kStart,
      distance: gapWords(sentence.slice(kEnd, start)),
    };
  }
  // A keyword after the figure names it only through "in" or "of" ("$750,000 in costs",
  // "15% of growth"); "a $100 investment" is an example, not a figure the text reports.
  const next = keywords.find(
    ({ keyword, start: kStart }) =>
      kStart >= end &&
      keyword.kinds.includes(kind) &&
      !keyword.movement &&
      /^\s*(?:in|of)\s*$/iu.test(sentence.slice(end, kStart)),
  );
  const after = next === undefined ? undefined : { label: next.keyword.label, at: next.start, distance: 3 };
  type Candidate = NonNullable<typeof before>;
  const near = [before, after].filter((c): c is Candidate => c !== undefined && c.distance <= MAX_LABEL_DISTANCE);
  // The keyword before wins a tie: it comes first in the text.
  const best = near.length === 2 && near[1]!.distance < near[0]!.distance ? near[1] : near[0];
  return best === undefined ? undefined : { label: best.label, at: best.at };
}

// The subject of a movement word stands this many words before it at most ("Identical sales
// without fuel increased 1.0%", "Revenue was $32.0 billion, an increase of 11%").
const MAX_SUBJECT_DISTANCE = 12;

/**
 * Whether the movement word `keywords[index]` moves the revenue, and so names its growth or
 * decline: the noun "growth" names a growth rate itself ("subscriber growth was 31%") in a
 * text about money (not a paper's "population growth of 2%"); a verb or another noun needs
 * revenue or sales shortly before it as its subject, so "accuracy
 * increased 8.11%" or "ad impressions increased by 34%" label nothing.
 */
function movesAnAmount(
  sentence: string,
  keywords: readonly KeywordMatch[],
  index: number,
  talksMoney: boolean,
): { subject: KeywordMatch | undefined } | undefined {
  const movement = keywords[index]!;
  if (/^growth$/iu.test(sentence.slice(movement.start, movement.end))) {
    return talksMoney ? { subject: undefined } : undefined;
  }
  for (let i = index - 1; i >= 0; i--) {
    const candidate = keywords[i]!;
    if (gapWords(sentence.slice(candidate.end, movement.start)) > MAX_SUBJECT_DISTANCE) return undefined;
    // Only the revenue's movement is the `growth` a reader asks for: "costs rose 10%" or "earnings
    // per share increased 10%" are true but are no headline figure, and would stand for it.
    if (!candidate.keyword.movement) return candidate.keyword.label === 'revenue' ? { subject: candidate } : undefined;
  }
  return undefined;
}

/** Whether an opening parenthesis before `at` is still open there (looked for in the 80 characters before). */
function inParentheses(sentence: string, at: number): boolean {
  const before = sentence.slice(Math.max(0, at - 80), at);
  return before.lastIndexOf('(') > before.lastIndexOf(')');
}

function gapWords(gap: string): number {
  const wordCount = gap.match(/[\p{L}\p{N}]+/gu)?.length ?? 0;
  const clauseBreaks = gap.match(/[,;:()–—]/gu)?.length ?? 0;
  return wordCount + clauseBreaks * CLAUSE_BREAK_WORDS;
}
