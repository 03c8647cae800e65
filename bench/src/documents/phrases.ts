/** CJK labels are compared without any whitespace: extractors differ in the spaces around CJK text. */
const NO_SPACE_LANGUAGES = new Set(['ja', 'zh']);

/**
 * Text as the corpus README compares it: every run of whitespace (newlines included) one
 * space, or, for Japanese and Chinese, no whitespace at all.
 */
export function normaliseForPhrases(text: string, language: string): string {
  return NO_SPACE_LANGUAGES.has(language) ? text.replace(/\s+/gu, '') : text.replace(/\s+/gu, ' ');
}

/** Which of the label's `must_contain` phrases the text holds, after normalising both. */
export function phraseRecall(
  text: string,
  phrases: readonly string[],
  language: string,
): { found: number; total: number; missing: string[] } {
  const haystack = normaliseForPhrases(text, language);
  const missing = phrases.filter((phrase) => !haystack.includes(normaliseForPhrases(phrase, language).trim()));
  return { found: phrases.length - missing.length, total: phrases.length, missing };
}
