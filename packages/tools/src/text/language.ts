import { detect } from 'tinyld';

// Enough text for a language to show; a longer document is judged on its first part, which is
// also where its title and opening say what it is.
const SAMPLE_CHARS = 20_000;
const KANA = /[\p{sc=Hiragana}\p{sc=Katakana}]/u;
const HANGUL = /\p{sc=Hangul}/u;

/**
 * The main language of `text` as an ISO 639-1 code ("en", "de", "ja"), or "und"
 * (undetermined) when the text does not say. Detected by `tinyld` (n-gram profiles of 60+
 * languages, no model or network); Japanese written mostly in kanji (a financial statement's
 * row labels) reads to tinyld as no language or as Chinese, so kana in the text decides it,
 * as Hangul decides Korean: those scripts belong to one language each.
 */
export function detectLanguage(text: string): string {
  const sample = text.slice(0, SAMPLE_CHARS);
  if (KANA.test(sample)) return 'ja';
  if (HANGUL.test(sample)) return 'ko';
  const code = detect(sample);
  return code === '' ? 'und' : code;
}
