import { STOP_WORDS } from './stop-words';

// A word is letters and digits, with inner apostrophes, hyphens, dots and commas kept so
// "don't", "year-over-year", "10.5" and "750,000" each count once.
const WORD = /[\p{L}\p{N}]+(?:['’.,-][\p{L}\p{N}]+)*/gu;

/** The words of `text`, as written. */
export function words(text: string): string[] {
  return text.match(WORD) ?? [];
}

/**
 * The words that say what a text is about: lowercased, possessive dropped, without stop
 * words, numbers or single letters.
 */
export function contentWords(tokens: readonly string[]): string[] {
  const out: string[] = [];
  for (const token of tokens) {
    const word = token.toLowerCase().replace(/['’]s$/u, '');
    if (word.length < 2 || !/\p{L}/u.test(word) || STOP_WORDS.has(word)) continue;
    out.push(word);
  }
  return out;
}
