export interface ScoredSentence {
  text: string;
  /** Content words of the sentence (see `contentWords`). */
  terms: readonly string[];
  /** Number of words, stop words included. */
  wordCount: number;
  /** Whether it states a figure (an amount or a percentage). */
  hasFigure: boolean;
}

// Sentences this short are mostly headings and captions; this long, mostly tables run together.
const MIN_WORDS = 5;
const MAX_WORDS = 80;
// Headings and captions have no closing punctuation; sentences do.
const COMPLETE = /[.!?…]["'”’)\]]*$/u;
// Reports are read for their numbers: a sentence that states one is preferred, all else equal.
const FIGURE_BONUS = 1.25;

/**
 * Extractive summary: scores each sentence by how frequent its distinct content words are
 * in the whole text (`frequencies`, relative to the most frequent term), divided by the
 * square root of their number so neither long nor short sentences win by size alone;
 * keeps the best `maxSentences` and returns them in their original order. Repeated
 * sentences (page headers, footers) count once.
 */
export function summarize(sentences: readonly ScoredSentence[], frequencies: ReadonlyMap<string, number>, maxSentences: number): string {
  let maxFrequency = 1;
  for (const count of frequencies.values()) maxFrequency = Math.max(maxFrequency, count);
  const seen = new Set<string>();
  const unique = sentences
    .map((sentence, index) => ({ sentence, index }))
    .filter(({ sentence }) => {
      const key = sentence.text.toLowerCase().replace(/\s+/g, ' ');
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  // Best: complete sentences of ordinary length; failing that, any of ordinary length
  // (text without punctuation); failing that, anything with words.
  const sized = unique.filter(({ sentence }) => sentence.wordCount >= MIN_WORDS && sentence.wordCount <= MAX_WORDS);
  const complete = sized.filter(({ sentence }) => COMPLETE.test(sentence.text));
  const candidates = [complete, sized, unique.filter(({ sentence }) => sentence.wordCount > 0)].find((c) => c.length > 0) ?? [];

  const scored = candidates.map(({ sentence, index }) => {
    const terms = new Set(sentence.terms);
    let weight = 0;
    for (const term of terms) weight += (frequencies.get(term) ?? 0) / maxFrequency;
    const score = (terms.size > 0 ? weight / Math.sqrt(terms.size) : 0) * (sentence.hasFigure ? FIGURE_BONUS : 1);
    return { sentence, index, score };
  });
  return scored
    .sort((a, b) => b.score - a.score || a.index - b.index)
    .slice(0, maxSentences)
    .sort((a, b) => a.index - b.index)
    .map(({ sentence }) => clip(sentence.text))
    .join(' ');
}

// Only reachable through the fallback, when the text has no prose-sized sentence at all.
function clip(text: string): string {
  const tokens = text.split(/\s+/);
  return tokens.length <= MAX_WORDS ? text : `${tokens.slice(0, MAX_WORDS).join(' ')}…`;
}
