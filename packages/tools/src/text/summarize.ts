import type { SectionRole } from './sections';
import type { SentenceKind } from './sentences';

/** A sentence as the summarizer weighs it. */
export interface SummaryCandidate {
  text: string;
  /** Content words of the sentence (see `contentWords`). */
  terms: readonly string[];
  /** Number of words, stop words included. */
  wordCount: number;
  kind: SentenceKind;
  /** Whether it states a figure (an amount or a percentage). */
  hasFigure: boolean;
  /** The role of its section (see `findSections`). */
  role: SectionRole;
  /** Where it stands in the document, from 0 (first sentence) to 1 (last). */
  position: number;
  /** Whether it opens its paragraph: lead sentences carry a paragraph's point. */
  opensParagraph: boolean;
}

// Sentences this short are mostly headings and captions; this long, mostly tables run together.
const MIN_WORDS = 5;
const MAX_WORDS = 80;
// Headings and captions have no closing punctuation; sentences do.
const COMPLETE = /[.!?…]["'”’)\]]*$/u;

/*
 * Weights on top of how central a sentence's words are. A report's summary should read
 * like its executive summary: its own summary section counts most, back matter (appendix,
 * glossary, notes) hardly at all, and earlier sentences more than later ones, because
 * documents state their point first. Centrality alone quotes whatever repeats the
 * document's frequent words most, which in a report is often appendix boilerplate.
 */
const ROLE_WEIGHT: Readonly<Record<SectionRole, number>> = { lead: 2.5, body: 1, back: 0.15 };
const POSITION_WEIGHT = 0.4; // the first sentence weighs 1.4 times the last
const OPENS_PARAGRAPH_WEIGHT = 1.15;
// Reports are read for their numbers: a sentence that states one is preferred, all else equal.
const FIGURE_WEIGHT = 1.25;
// List items are fragments of an enumeration, rarely a statement that stands alone.
const ITEM_WEIGHT = 0.5;
// "Revenue: the total sales of ..." defines a term; it does not report anything.
const DEFINITION = /^[\p{L}\p{N}][\p{L}\p{N} '’&/-]{0,40}:\s/u;
const DEFINITION_WEIGHT = 0.4;
// Page furniture and legal boilerplate, never the point of a document.
const BOILERPLATE =
  /\b(?:intentionally left blank|all rights reserved|copyright|confidential(?:ity)? notice|page \d+ of \d+|forward[- ]looking statements?|for (?:more|further) information|see (?:the )?accompanying|subject to change without notice)\b|©|https?:\/\/|www\./iu;
const BOILERPLATE_WEIGHT = 0.1;
// Share of content words two sentences have in common beyond which the second is left out.
const NEAR_DUPLICATE = 0.6;

/**
 * Extractive summary: the best `maxSentences` sentences, in their original order.
 * A sentence's centrality is how widely its distinct content words occur in the whole text
 * (`spread`: in how many sentences each term occurs, relative to the most widespread), divided
 * by the square root of their number so neither long nor short sentences win by size alone;
 * it is weighted by the sentence's section, position, kind and content (see the weights
 * above). Repeated sentences (page headers, footers) count once, and a sentence that mostly
 * repeats the words of one already chosen is passed over. Ties keep document order, so the
 * result is deterministic, and a longer summary keeps every sentence of a shorter one.
 */
export function summarize(
  candidates: readonly SummaryCandidate[],
  spread: ReadonlyMap<string, number>,
  maxSentences: number,
): string {
  const chosen: { ranked: Ranked; terms: Set<string> }[] = [];
  for (const ranked of rankSentences(candidates, spread)) {
    if (chosen.length >= maxSentences) break;
    const terms = new Set(ranked.candidate.terms);
    // A sentence saying nearly what a chosen one says (a ledger's hundredth "costs came to ...") adds nothing.
    if (chosen.some((c) => overlap(c.terms, terms) >= NEAR_DUPLICATE)) continue;
    chosen.push({ ranked, terms });
  }
  return chosen
    .map((c) => c.ranked)
    .sort((a, b) => a.index - b.index)
    .map(({ candidate }) => clip(candidate.text))
    .join(' ');
}

/** Jaccard similarity of two term sets. */
function overlap(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let shared = 0;
  for (const term of a) if (b.has(term)) shared++;
  return shared / (a.size + b.size - shared);
}

interface Ranked {
  candidate: SummaryCandidate;
  index: number;
  score: number;
}

function rankSentences(candidates: readonly SummaryCandidate[], spread: ReadonlyMap<string, number>): Ranked[] {
  let maxSpread = 1;
  for (const count of spread.values()) maxSpread = Math.max(maxSpread, count);
  const seen = new Set<string>();
  const unique: { candidate: SummaryCandidate; index: number }[] = [];
  for (const [index, candidate] of candidates.entries()) {
    const key = candidate.text.toLowerCase().replace(/\s+/g, ' ');
    if (seen.has(key)) continue;
    seen.add(key);
    unique.push({ candidate, index });
  }
  // Best: complete sentences of ordinary length; failing that, any of ordinary length
  // (text without punctuation); failing that, anything with words, headings last.
  const sized = unique.filter(
    ({ candidate: c }) => c.kind !== 'heading' && c.wordCount >= MIN_WORDS && c.wordCount <= MAX_WORDS,
  );
  const complete = sized.filter(({ candidate }) => COMPLETE.test(candidate.text));
  const prose = unique.filter(({ candidate: c }) => c.kind !== 'heading' && c.wordCount > 0);
  const any = unique.filter(({ candidate }) => candidate.wordCount > 0);
  const pool = [complete, sized, prose, any].find((c) => c.length > 0) ?? [];
  return pool
    .map(({ candidate, index }) => ({
      candidate,
      index,
      score: centrality(candidate, spread, maxSpread) * weight(candidate),
    }))
    .sort((a, b) => b.score - a.score || a.index - b.index);
}

function centrality(candidate: SummaryCandidate, spread: ReadonlyMap<string, number>, maxSpread: number): number {
  const terms = new Set(candidate.terms);
  if (terms.size === 0) return 0;
  let sum = 0;
  for (const term of terms) sum += (spread.get(term) ?? 0) / maxSpread;
  return sum / Math.sqrt(terms.size);
}

function weight(c: SummaryCandidate): number {
  let w = ROLE_WEIGHT[c.role] * (1 + POSITION_WEIGHT * (1 - c.position));
  if (c.opensParagraph) w *= OPENS_PARAGRAPH_WEIGHT;
  if (c.hasFigure) w *= FIGURE_WEIGHT;
  if (c.kind === 'item') w *= ITEM_WEIGHT;
  if (DEFINITION.test(c.text)) w *= DEFINITION_WEIGHT;
  if (BOILERPLATE.test(c.text)) w *= BOILERPLATE_WEIGHT;
  return w;
}

// Only reachable through the fallbacks, when the text has no prose-sized sentence at all.
function clip(text: string): string {
  const tokens = text.split(/\s+/);
  return tokens.length <= MAX_WORDS ? text : `${tokens.slice(0, MAX_WORDS).join(' ')}…`;
}
