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
  /**
   * A normalised tag where the figure is not of the period the document reports (see
   * `periodTag`): `2024`, `q4_2023`, `full_year`, `prior_year`. Unset for the main period.
   */
  period?: string;
  /**
   * It is the figure for a stated period in parentheses after another figure ("290-310 MEUR
   * (2024: 275.5 MEUR)"): the latest actual beside an expectation, a prior-period comparison
   * beside an actual. `keyMetrics` keeps it only in the first case.
   */
  basis?: true;
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
    const keywords = keywordsIn(sentence);
    const found = withRanges(
      sentence,
      [...moneyIn(sentence), ...percentagesIn(sentence), ...numbersIn(sentence, keywords)].sort(
        (a, b) => a.start - b.start,
      ),
    );
    if (found.length === 0) continue;
    const inSentence: Figure[] = [];
    for (const [i, { start, end, figure, negative }] of found.entries()) {
      // "(Q4'23: 2.7 MEUR)", "(+33%)": an aside (a comparison, a part), not the figure stated;
      // "($0.25)" alone in its parentheses is a negative amount, as accountants write one.
      const aside = inParentheses(sentence, negative === true ? start - 1 : start);
      const named = aside ? undefined : nearestLabel(sentence, keywords, figure.kind, start, end, talksMoney);
      let label = named?.label ?? null;
      // "Total company sales were $33.9 billion": the headline word qualifies the figure's own label.
      const headline =
        named !== undefined &&
        HEADLINE.test(
          // The name's own words aside: "net total debt" is no total.
          `${sentence.slice(Math.max(0, named.at - HEADLINE_REACH), named.at)} ${sentence.slice(named.to, Math.max(end, named.to) + HEADLINE_REACH)}`,
        );
      // "Revenue increased by $2 million to $12 million": the first amount is a change, not the revenue.
      const isChange = figure.kind === 'money' && /\bby\s*$/iu.test(textBefore(sentence, start));
      if (label !== null && isChange) label = `${label}_change`;
      const own: Figure = { ...figure, label, sentence: index, headline };
      const previous = found[i - 1];
      const stated = previous === undefined ? undefined : inSentence[i - 1];
      const period =
        previous === undefined || stated?.label == null || stated.kind !== figure.kind
          ? undefined
          : otherPeriod(sentence, previous.end, start, end, aside, stated.headline);
      inSentence.push(
        period === undefined || stated?.label == null
          ? own
          : {
              ...own,
              label: stated.label,
              headline: false,
              period: period.tag,
              ...(period.basis ? { basis: true as const } : {}),
            },
      );
    }
    figures.push(...inSentence);
  }
  return withCentsCurrency(figures);
}

// How far back a pattern anchored at a figure looks: an end-anchored pattern over the whole text
// before each figure would cost a pass over a long sentence per figure.
const LOOK_BACK = 60;
// An aside clause is at most 80 characters, the verb after it and its commas included.
const ASIDE_LOOK_BACK = 120;

/** The text up to `at`, its last `LOOK_BACK` characters, with a mark where that is not the sentence's start. */
function textBefore(sentence: string, at: number): string {
  const from = Math.max(0, at - LOOK_BACK);
  return `${from === 0 ? '' : '…'}${sentence.slice(from, at)}`;
}

// A period in parentheses before a figure: "(2024: 275.5 MEUR)", "(Q4'23: 2.7 MEUR)", "(FY2023: EUR 0.44)".
const PERIOD_IN_PARENTHESES =
  /\(\s*(?<period>(?:FY\s?)?(?:19|20)\d{2}|FY\s?'?\d{2}|[QH][1-4]\s?(?:'|\/|\s)?(?:19|20)?\d{2})\s*:\s*$/iu;
// "... to 20 cents and for the full year to 49 cents": the same measure, for another period.
const ELLIPSIS_PERIOD =
  /^\s*,?\s*and\s+(?:for|in)\s+(?:the\s+)?(?<period>full[- ]year|fiscal year|whole year|year as a whole)\s*,?\s+to\s*$/iu;
// "$33.9 billion ..., compared to $34.6 billion for the same period last year".
const COMPARED_BEFORE = /(?:compared (?:to|with)|versus|vs\.?|up from|down from)\s*$/iu;
const COMPARED_AFTER =
  /^\s*(?:(?:for|in)\s+)?(?:the\s+)?(?:same (?:period|quarter|months?) (?:of |in )?(?:last|the prior|the previous|a) year|(?:prior|previous)[- ]year(?: period| quarter)?|(?:a|one) year (?:ago|earlier)|last year|year[- ]ago (?:period|quarter))/iu;

/**
 * Whether the figure between `start` and `end` states the measure of the figure before it
 * (ending at `previousEnd`) for another period: a period in parentheses ("(2024: 275.5
 * MEUR)"), the same verb elided ("... to 20 cents and for the full year to 49 cents"), or the
 * comparison with a year before of a headline figure ("Total company sales were $33.9
 * billion, compared to $34.6 billion for the same period last year"; the comparisons of
 * lesser figures are left out: a report gives one for nearly every figure).
 */
function otherPeriod(
  sentence: string,
  previousEnd: number,
  start: number,
  end: number,
  aside: boolean,
  previousHeadline: boolean,
): { tag: string; basis: boolean } | undefined {
  const between = sentence.slice(previousEnd, start);
  if (aside) {
    const period = PERIOD_IN_PARENTHESES.exec(between.slice(-LOOK_BACK))?.groups?.period;
    return period === undefined ? undefined : { tag: periodTag(period), basis: true };
  }
  if (ELLIPSIS_PERIOD.test(between)) return { tag: 'full_year', basis: false };
  if (
    previousHeadline &&
    COMPARED_BEFORE.test(between.slice(-LOOK_BACK)) &&
    COMPARED_AFTER.test(sentence.slice(end, end + LOOK_BACK))
  )
    return { tag: 'prior_year', basis: false };
  return undefined;
}

/** A period as a key suffix: "2024" → `2024`, "FY24" → `fy2024`, "Q4'23" → `q4_2023`, "H1 2024" → `h1_2024`. */
export function periodTag(period: string): string {
  const compact = period.replace(/[\s'/]/gu, '').toLowerCase();
  const century = (yy: string): string => (yy.length === 2 ? `20${yy}` : yy);
  const part = /^([qh][1-4])(\d{2,4})$/u.exec(compact);
  if (part !== null) return `${part[1]}_${century(part[2]!)}`;
  const fiscal = /^fy(\d{2,4})$/u.exec(compact);
  if (fiscal !== null) return `fy${century(fiscal[1]!)}`;
  return compact;
}

/**
 * Amounts in cents ("20 cents") are in the currency the text states most amounts in: an
 * analyst note on a Finnish company writes "EUR 0.44" and "20 cents" of the same euro.
 */
function withCentsCurrency(figures: Figure[]): Figure[] {
  if (!figures.some((f) => f.currency === CENTS)) return figures;
  const counts = new Map<string, number>();
  for (const f of figures)
    if (f.currency !== null && f.currency !== CENTS) counts.set(f.currency, (counts.get(f.currency) ?? 0) + 1);
  const currency = [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'USD';
  return figures.map((f) =>
    f.currency === CENTS ? { ...f, currency, value: `${CURRENCY_PREFIX[currency] ?? ''}${f.value}` } : f,
  );
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
function numbersIn(sentence: string, keywords: readonly KeywordMatch[]): Located[] {
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
function withRanges(sentence: string, found: readonly Located[]): Located[] {
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
): Named | undefined {
  // Keywords are in text order and each is a word of its own, so on either side of the
  // figure the nearest keyword that can name it is also the nearest by words: only those
  // two are measured (measuring every keyword cost a pass over the sentence for each pair).
  if (kind === 'number') return countLabel(sentence, keywords, start);
  // "Capital expenditures, including principal payments on finance leases, were $6.35
  // billion": the clause between commas before the verb is an aside, neither the label nor
  // a distance from it.
  const asideFrom = Math.max(0, start - ASIDE_LOOK_BACK);
  const aside = ASIDE_BEFORE_VERB.exec(sentence.slice(asideFrom, start));
  const asideStart = aside === null ? start : asideFrom + aside.index;
  const asideEnd = aside === null ? start : asideStart + (aside.groups?.aside?.length ?? 0);
  let before: (Named & { distance: number }) | undefined;
  for (let i = keywords.length - 1; i >= 0 && before === undefined; i--) {
    const { keyword, start: kStart, end: kEnd } = keywords[i]!;
    if (kEnd > start || !keyword.kinds.includes(kind)) continue;
    if (kStart >= asideStart && kEnd <= asideEnd) continue;
    // "cost per operator", "price per ad": a unit rate, not a figure of the business.
    if (/^\s+per\s/iu.test(sentence.slice(kEnd, kEnd + 6))) continue;
    // "rose to 4%", "can rise to up to 10%": the level reached, not the size of the change.
    if (keyword.movement && /^\s*to\b/iu.test(sentence.slice(kEnd, start))) continue;
    const moved = keyword.movement ? movesAnAmount(sentence, keywords, i, talksMoney, start) : undefined;
    // The size of a change of something other than the revenue ("unemployment declined 2.5%"):
    // no label, and not the level of the noun before it either.
    if (keyword.movement && moved === undefined) break;
    // "Cloud revenue grew 28%" is `cloud_revenue_growth`, and "digital sales of $3 billion" is
    // `digital_sales`: a part of the revenue, not the revenue.
    const part = partOfRevenue(sentence, moved?.subject ?? keywords[i]!);
    before = {
      label: part === undefined ? keyword.label : keyword.movement ? `${part}_${keyword.label}` : part,
      // A movement's headline word qualifies its subject ("total annual revenue ... up 23.4%").
      at: moved?.subject?.start ?? kStart,
      to: moved?.subject?.end ?? kEnd,
      distance: gapWords(
        kEnd <= asideStart
          ? sentence.slice(kEnd, asideStart) + sentence.slice(asideEnd, start)
          : sentence.slice(kEnd, start),
      ),
    };
  }
  // A keyword after the figure names it only through "in" or "of" ("$750,000 in costs",
  // "15% of growth"), or right after it where a possessive stands before ("our EUR 8.00
  // target price", "its $2 billion backlog"); "a $100 investment" is an example, not a
  // figure the text reports.
  const possessive = POSSESSIVE_BEFORE.test(textBefore(sentence, start));
  const next = keywords.find(
    ({ keyword, start: kStart }) =>
      kStart >= end &&
      keyword.kinds.includes(kind) &&
      !keyword.movement &&
      (/^\s*(?:in|of)\s*$/iu.test(sentence.slice(end, kStart)) ||
        (possessive && /^\s*$/u.test(sentence.slice(end, kStart)))),
  );
  const after =
    next === undefined ? undefined : { label: next.keyword.label, at: next.start, to: next.end, distance: 3 };
  type Candidate = NonNullable<typeof before>;
  const near = [before, after].filter((c): c is Candidate => c !== undefined && c.distance <= MAX_LABEL_DISTANCE);
  // The keyword before wins a tie: it comes first in the text.
  const best = near.length === 2 && near[1]!.distance < near[0]!.distance ? near[1] : near[0];
  return best === undefined ? undefined : { label: best.label, at: best.at, to: best.to };
}

// A clause between commas right before a verb that states the figure: "X, including Y, were $V".
const ASIDE_BEFORE_VERB =
  /(?<aside>,[^,;:()]{1,80},)\s*(?:was|were|is|are|totall?ed|amounted to|came to|stood at|reached)\s+(?:approximately |about |around )?$/iu;
// "our", "its", "their" right before a figure: the figure of a thing of theirs that its noun names.
const POSSESSIVE_BEFORE = /(?<![\p{L}])(?:our|its|their)\s+$/iu;
// What may stand between a count's name and the count: a verb ("Headcount was 71,469"), "of"
// or a colon, after the name's abbreviation ("daily active people (DAP) – DAP was 3.07 billion").
const COUNT_GAP =
  /^\s*(?:\(\s*\p{Lu}{2,6}s?\s*\)\s*(?:[–—-]\s*(?:\p{Lu}{2,6}s?\s+)?)?)?(?:was|were|is|are|of|:|stood at|totall?ed|reached|amounted to)\s*(?:approximately |about |around |nearly |some |over )?$/u;

/**
 * The count or ratio a number states: only the name right before it, through a verb, "of"
 * or a colon ("Headcount was 71,469", "net debt to EBITDA ratio is 1.31"); anything more
 * between, and the number is some other one (a date's day, a page, a target reached "to").
 */
function countLabel(sentence: string, keywords: readonly KeywordMatch[], start: number): Named | undefined {
  const keyword = keywords.filter((k) => k.end <= start).at(-1);
  if (keyword === undefined || !keyword.keyword.kinds.includes('number')) return undefined;
  return COUNT_GAP.test(sentence.slice(keyword.end, start))
    ? { label: keyword.keyword.label, at: keyword.start, to: keyword.end }
    : undefined;
}

/** The label a keyword gives a figure, and where the keyword (or a movement's subject) stands. */
interface Named {
  label: string;
  at: number;
  to: number;
}

// The subject of a movement word stands this many words before it at most ("Identical sales
// without fuel increased 1.0%", "Revenue was $32.0 billion, an increase of 11%").
const MAX_SUBJECT_DISTANCE = 12;

// Words before "sales" or "revenue" that name a part of it: a channel, a kind of product or
// customer, a region's kind. A closed list: an open one takes a verb for a part ("The company
// expects revenue to reach ...").
const REVENUE_PARTS =
  /^(?:digital|online|e-?commerce|in-store|store|retail|wholesale|international|domestic|export|organic|cloud|subscription|services?|product|hardware|software|advertising|ad|licen[cs]e|licensing|recurring|pharmacy|fuel|merchandise)$/iu;

/**
 * The part of the revenue a figure's subject names, where a word right before "sales" or
 * "revenue" names one (`REVENUE_PARTS`: "digital sales", "cloud revenue", "organic sales"):
 * its growth is `digital_sales_growth` and its amount `digital_sales`, not the revenue's.
 */
function partOfRevenue(sentence: string, subject: KeywordMatch): string | undefined {
  if (subject.keyword.label !== 'revenue') return undefined;
  const before = sentence.slice(Math.max(0, subject.start - 40), subject.start);
  const modifier = /(?<![\p{L}'’-])(?<word>\p{L}[\p{L}-]*)\s+$/u.exec(before)?.groups?.word;
  if (modifier === undefined || !REVENUE_PARTS.test(modifier)) return undefined;
  const noun = sentence
    .slice(subject.start, subject.end)
    .toLowerCase()
    .replace(/^revenues$/u, 'revenue');
  return `${modifier.toLowerCase()}_${noun.replace(/\s+/gu, '_')}`;
}

// Labels whose movement is the revenue's growth: sales, and same-store sales.
const REVENUE_LABELS: ReadonlySet<string> = new Set(['revenue', 'identical_sales']);

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
  figureStart: number,
): { subject: KeywordMatch | undefined } | undefined {
  const movement = keywords[index]!;
  if (/^growth$/iu.test(sentence.slice(movement.start, movement.end))) {
    return talksMoney ? { subject: undefined } : undefined;
  }
  // The verb before its object, the figure right after: "Grew digital sales 12%".
  const object = keywords[index + 1];
  if (
    object !== undefined &&
    REVENUE_LABELS.has(object.keyword.label) &&
    /^\s+(?:[\p{L}-]+\s+){0,2}$/u.test(sentence.slice(movement.end, object.start)) &&
    /^\s*$/u.test(sentence.slice(object.end, figureStart))
  ) {
    return { subject: object };
  }
  for (let i = index - 1; i >= 0; i--) {
    const candidate = keywords[i]!;
    if (gapWords(sentence.slice(candidate.end, movement.start)) > MAX_SUBJECT_DISTANCE) return undefined;
    // Only the revenue's movement is the `growth` a reader asks for: "costs rose 10%" or "earnings
    // per share increased 10%" are true but are no headline figure, and would stand for it.
    if (!candidate.keyword.movement)
      return REVENUE_LABELS.has(candidate.keyword.label) ? { subject: candidate } : undefined;
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
