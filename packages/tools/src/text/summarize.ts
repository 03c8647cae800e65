import type { BoilerplateReason } from './boilerplate';
import type { SectionRole } from './sections';
import type { SentenceKind } from './sentences';

/** A sentence as the summarizer weighs it. */
export interface SummaryCandidate {
  text: string;
  /** Content words of the sentence (see `contentWords`; words by `Intl.Segmenter` for CJK). */
  terms: readonly string[];
  /** Number of words, stop words included (CJK: characters / 2, about a word each). */
  wordCount: number;
  kind: SentenceKind;
  /** Why it cannot be quoted as the document's point, or null (see `boilerplateReason`). */
  boilerplate: BoilerplateReason;
  /** The role of its section (see `findSections`). */
  role: SectionRole;
  /** Where it stands in the document, from 0 (first sentence) to 1 (last). */
  position: number;
  /** Whether it opens its paragraph: lead sentences carry a paragraph's point. */
  opensParagraph: boolean;
}

// Sentences this short are mostly captions and fragments; this long, mostly tables run together.
const MIN_WORDS = 5;
const MAX_WORDS = 80;
// Sentences end with closing punctuation; captions and labels do not.
const COMPLETE = /[.!?…。！？]["'”’)\]）」]*$/u;
// TextRank (Mihalcea and Tarau, 2004): the damping factor and iterations of its PageRank.
const DAMPING = 0.85;
const ITERATIONS = 30;
// The graph is quadratic in its sentences: a long document is ranked on its first ones,
// where documents state their point (and the rest would cost seconds).
const MAX_RANKED = 300;

/*
 * Priors on top of TextRank's centrality. A report's summary should read like its
 * executive summary: its own summary section counts most, back matter (appendix, glossary,
 * notes) hardly at all, and earlier sentences more than later ones.
 */
const ROLE_WEIGHT: Readonly<Record<SectionRole, number>> = { lead: 2.5, body: 1, back: 0.15 };
const POSITION_WEIGHT = 1; // the first sentence weighs twice the last
// The first sentence that can summarise the text most often says what it is (news writing's lead).
const LEAD_WEIGHT = 1.5;
const OPENS_PARAGRAPH_WEIGHT = 1.15;
// List items are fragments of an enumeration, rarely a statement that stands alone.
const ITEM_WEIGHT = 0.5;
// "Revenue: the total sales of ..." defines a term; it does not report anything.
const DEFINITION = /^[\p{L}\p{N}][\p{L}\p{N} '’&/-]{0,40}:\s/u;
const DEFINITION_WEIGHT = 0.4;
// Share of content words two sentences have in common beyond which the second is left out.
const NEAR_DUPLICATE = 0.6;

/**
 * Extractive summary by TextRank: sentences are the nodes of a graph whose edges weigh how
 * many content words two sentences share (normalised by the logs of their lengths, as
 * TextRank does); PageRank over it scores how central each sentence is, and the priors
 * above weigh that. Only sentences that can stand for the document compete: boilerplate
 * (headings, table rows, running headers and footers, page numbers, form instructions,
 * lines mostly of figures, legal furniture) never does, nor fragments or run-on tables.
 * The best `maxSentences` are returned in their original order, a sentence that mostly
 * repeats a chosen one passed over. Failing any such sentence, complete sentences of any
 * length; failing those, the document's title (`title`); failing that, nothing:
 * a summary of form fields or table rows would say less than none. Deterministic: ties
 * keep document order.
 */
export function summarize(candidates: readonly SummaryCandidate[], maxSentences: number): string {
  const chosen: { index: number; terms: Set<string> }[] = [];
  for (const index of rankSentences(candidates)) {
    if (chosen.length >= maxSentences) break;
    const terms = new Set(candidates[index]!.terms);
    if (chosen.some((c) => overlap(c.terms, terms) >= NEAR_DUPLICATE)) continue;
    chosen.push({ index, terms });
  }
  if (chosen.length === 0) return title(candidates);
  return chosen
    .sort((a, b) => a.index - b.index)
    .map(({ index }) => candidates[index]!.text)
    .join(' ');
}

/**
 * The document's title, for a text with no sentence to quote (a table, a form): a heading
 * among its first lines that says in words what the document is ("Consolidated Statement of
 * Changes in Equity", "連結株主資本等変動計算書"), its list number aside ("（３）"). Not a line
 * with a figure or a code, a label in capitals ("PAYMENT ADVICE"), a party's name ("XYZ Pvt
 * Ltd"), a running header or a table's column header repeated on every page, nor a line of
 * one or two words. Failing one, nothing: a name or a label would not say what it is about.
 */
function title(candidates: readonly SummaryCandidate[]): string {
  for (const candidate of candidates.slice(0, TITLE_REACH)) {
    if (candidate.kind !== 'heading' && candidate.kind !== 'prose') continue;
    if (candidate.boilerplate !== null && candidate.boilerplate !== 'heading') continue;
    const text = candidate.text.replace(LIST_NUMBER, '').trim();
    if (readsAsTitle(text)) return text;
  }
  return '';
}
// A title stands at the top: among the first lines of the text.
const TITLE_REACH = 5;
const LIST_NUMBER = /^[(（]?[\d０-９]{1,2}[)）.、]\s*/u;
const PARTY_NAME =
  /(?:^|\s)(?:ltd|limited|inc|llc|gmbh|ag|plc|pvt|corp|corporation|co|s\.a|b\.v|n\.v)\.?$|株式会社|有限公司/iu;
const CJK_LETTER = /[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}\p{sc=Hangul}]/gu;
const MIN_TITLE_WORDS = 3;
const MIN_CJK_TITLE_CHARS = 4;
const MAX_TITLE_CAPITALS = 0.6;

function readsAsTitle(text: string): boolean {
  // Cells apart (a tab between them, as pdf_extractor writes a table's): a table's header, no title.
  if (/\d|[０-９]|\t/u.test(text) || PARTY_NAME.test(text)) return false;
  const cjk = text.match(CJK_LETTER)?.length ?? 0;
  if (cjk >= MIN_CJK_TITLE_CHARS) return true;
  const words = text.split(/\s+/u).filter((w) => /\p{L}/u.test(w));
  if (words.length < MIN_TITLE_WORDS || words.length > MAX_TITLE_WORDS) return false;
  const letters = text.match(/\p{L}/gu)?.length ?? 0;
  return (text.match(/\p{Lu}/gu)?.length ?? 0) <= MAX_TITLE_CAPITALS * letters;
}
const MAX_TITLE_WORDS = 20;

/** Indexes of the sentences that may summarise the text, best first. */
function rankSentences(candidates: readonly SummaryCandidate[]): number[] {
  const seen = new Set<string>();
  const eligible: number[] = [];
  const fallback: number[] = [];
  for (const [index, c] of candidates.entries()) {
    if (c.boilerplate !== null || c.terms.length === 0) continue;
    const key = c.text.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    if (!COMPLETE.test(c.text) && c.kind !== 'item') continue;
    if (c.wordCount >= MIN_WORDS && c.wordCount <= MAX_WORDS) eligible.push(index);
    else if (c.wordCount >= 3 && c.wordCount <= MAX_WORDS) fallback.push(index);
  }
  const pool = (eligible.length > 0 ? eligible : fallback).slice(0, MAX_RANKED);
  const scores = textRank(pool.map((i) => candidates[i]!.terms));
  return pool
    .map((index, i) => ({ index, score: (scores[i] ?? 0) * weight(candidates[index]!) * (i === 0 ? LEAD_WEIGHT : 1) }))
    .sort((a, b) => b.score - a.score || a.index - b.index)
    .map((r) => r.index);
}

/** PageRank over the sentence-similarity graph (TextRank's similarity: shared terms over the logs of the lengths). */
function textRank(termLists: readonly (readonly string[])[]): number[] {
  const n = termLists.length;
  if (n === 0) return [];
  const sets = termLists.map((t) => new Set(t));
  const edges: { to: number; weight: number }[][] = sets.map(() => []);
  const outWeight = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const a = sets[i]!;
      const b = sets[j]!;
      let shared = 0;
      for (const term of a.size <= b.size ? a : b) if ((a.size <= b.size ? b : a).has(term)) shared++;
      if (shared === 0) continue;
      // +1 inside the logs: two one-word sentences would otherwise divide by zero.
      const weight = shared / (Math.log(a.size + 1) + Math.log(b.size + 1));
      edges[i]!.push({ to: j, weight });
      edges[j]!.push({ to: i, weight });
      outWeight[i]! += weight;
      outWeight[j]! += weight;
    }
  }
  let scores = new Array<number>(n).fill(1 / n);
  for (let iteration = 0; iteration < ITERATIONS; iteration++) {
    const next = new Array<number>(n).fill((1 - DAMPING) / n);
    for (let i = 0; i < n; i++) {
      if (outWeight[i] === 0) continue;
      for (const { to, weight } of edges[i]!) next[to]! += (DAMPING * scores[i]! * weight) / outWeight[i]!;
    }
    scores = next;
  }
  return scores;
}

function weight(c: SummaryCandidate): number {
  let w = ROLE_WEIGHT[c.role] * (1 + POSITION_WEIGHT * (1 - c.position));
  if (c.opensParagraph) w *= OPENS_PARAGRAPH_WEIGHT;
  if (c.kind === 'item') w *= ITEM_WEIGHT;
  if (DEFINITION.test(c.text)) w *= DEFINITION_WEIGHT;
  return w;
}

/** Jaccard similarity of two term sets. */
function overlap(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let shared = 0;
  for (const term of a) if (b.has(term)) shared++;
  return shared / (a.size + b.size - shared);
}
