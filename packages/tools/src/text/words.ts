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

const CJK_LANGUAGES = new Set(['ja', 'zh', 'ko']);
const CJK_CHAR = /[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}\p{sc=Hangul}]/u;

/**
 * The content words of a sentence: `contentWords` of its `words`, and for Chinese, Japanese
 * and Korean the words `Intl.Segmenter` finds (ICU's dictionaries), since those scripts put
 * no spaces between words. Single CJK characters are mostly particles and are left out.
 */
export function termsOf(text: string, tokens: readonly string[], language: string): string[] {
  if (!CJK_LANGUAGES.has(language) || !CJK_CHAR.test(text)) return contentWords(tokens);
  const out: string[] = [];
  for (const { segment, isWordLike } of new Intl.Segmenter(language, { granularity: 'word' }).segment(text)) {
    if (!isWordLike) continue;
    if (CJK_CHAR.test(segment) ? segment.length >= 2 : true) out.push(...contentWords([segment]));
  }
  return out;
}

/** About how many words a sentence has: its tokens, or for CJK text about one per two characters. */
export function wordCountOf(text: string, tokens: readonly string[]): number {
  const cjk = text.match(new RegExp(CJK_CHAR.source, 'gu'))?.length ?? 0;
  return cjk > tokens.length ? Math.ceil(cjk / 2) : tokens.length;
}
