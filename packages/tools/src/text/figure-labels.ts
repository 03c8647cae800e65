import type { KeywordMatch } from './keyword-matches';
import type { FigureKind } from './metric-keywords';
import { textBefore } from './text-window';

// A keyword this many words from a figure is about something else.
const MAX_LABEL_DISTANCE = 10;
const CLAUSE_BREAK_WORDS = 3;
// An aside clause is at most 80 characters, the verb after it and its commas included.
const ASIDE_LOOK_BACK = 120;

/**
 * The label of the nearest keyword that can name this kind of figure, by words in between.
 * Figures usually follow what they measure ("revenue of $10.5M", "grew 15%"), so a keyword
 * after the figure counts at twice its distance and loses ties; crossing a comma or other
 * clause break counts as a few more words, since the keyword is then in another clause.
 * A movement word right before "to" is skipped: "churn fell to 4%" is about churn.
 */
export function nearestLabel(
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
export function inParentheses(sentence: string, at: number): boolean {
  const before = sentence.slice(Math.max(0, at - 80), at);
  return before.lastIndexOf('(') > before.lastIndexOf(')');
}

function gapWords(gap: string): number {
  const wordCount = gap.match(/[\p{L}\p{N}]+/gu)?.length ?? 0;
  const clauseBreaks = gap.match(/[,;:()–—]/gu)?.length ?? 0;
  return wordCount + clauseBreaks * CLAUSE_BREAK_WORDS;
}
