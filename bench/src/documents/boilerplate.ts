/** Why a summary sentence is not about the document (the boilerplate: form instructions, table rows, headers and footers, page numbers). */
export type BoilerplateReason = 'numbers' | 'fragment' | 'repeated' | 'instruction' | 'off_topic';

/** A summary's sentences, each with what makes it boilerplate, and the verdict on the whole. */
export interface SummaryVerdict {
  boilerplate: boolean;
  /** Set when the summary is most of the document's text rather than a summary of it. */
  wholeText: boolean;
  sentences: { text: string; reasons: BoilerplateReason[] }[];
}

/** What the judgement reads besides the summary. */
export interface SummaryContext {
  /** The text the summary was made from. */
  text: string;
  /** The document's pages as a reference extractor reads them (pdftotext's, split at form feeds). */
  pages: readonly string[];
  language: string;
  /** The label's hand-written `summary_reference`. */
  reference: string;
}

const INSTRUCTION =
  /\b(?:attach|fill (?:out|in)|enter (?:the|your)|check (?:the|this|all|one)|see (?:the )?instructions|sign here|please (?:print|type|complete|fill|select|mark))\b/iu;
// Words too common to say what a document is about.
const STOP = new Set(
  'this that with from have been were which their there about also into than then they them these those what when where will would could should more most other such only over under after before while being each your page pages'.split(
    ' ',
  ),
);
const collapse = (text: string): string => text.replace(/\s+/gu, ' ').trim();

function wordsOf(text: string, language: string): string[] {
  return [...new Intl.Segmenter(language, { granularity: 'word' }).segment(text)]
    .filter((s) => s.isWordLike === true && /\p{L}/u.test(s.segment))
    .map((s) => s.segment.toLowerCase());
}

function reasonsFor(sentence: string, context: SummaryContext, topic: ReadonlySet<string>): BoilerplateReason[] {
  const reasons: BoilerplateReason[] = [];
  const tokens = sentence.split(/\s+/u).filter((t) => t.length > 0);
  if (tokens.length > 0 && tokens.filter((t) => /\d/u.test(t)).length / tokens.length >= 0.4) reasons.push('numbers');
  const words = wordsOf(sentence, context.language);
  if (words.length < 3) reasons.push('fragment');
  const flat = collapse(sentence);
  if (flat.length > 0 && context.pages.filter((page) => collapse(page).includes(flat)).length >= 2) {
    reasons.push('repeated');
  }
  if (INSTRUCTION.test(sentence)) reasons.push('instruction');
  // The reference is English: only an English summary can be compared with it word for word.
  if (context.language === 'en' && !words.some((w) => w.length >= 4 && !STOP.has(w) && topic.has(w))) {
    reasons.push('off_topic');
  }
  return reasons;
}

/**
 * Judges a summary: each sentence (split by `Intl.Segmenter`) is boilerplate when it is
 * mostly figures (40% of its tokens or more hold a digit: a table row), a fragment (under 3
 * words: a page number, a header), found on two pages or more (a running header or footer),
 * a form instruction, or, in English, shares no word of 4 letters or more with the label's
 * `summary_reference` and `must_contain` phrases. The summary is boilerplate when it is empty, when it is most of the
 * text (over 60% of a text of 400 characters or more), or when half its sentences or more
 * are boilerplate.
 */
export function judgeSummary(summary: string, context: SummaryContext): SummaryVerdict {
  const topic = new Set(wordsOf(context.reference, 'en'));
  const sentences = [...new Intl.Segmenter(context.language, { granularity: 'sentence' }).segment(summary)]
    .map((s) => s.segment.trim())
    .filter((s) => s.length > 0)
    .map((text) => ({ text, reasons: reasonsFor(text, context, topic) }));
  const textLength = collapse(context.text).length;
  const wholeText = textLength >= 400 && collapse(summary).length > 0.6 * textLength;
  const flagged = sentences.filter((s) => s.reasons.length > 0).length;
  return {
    boilerplate: sentences.length === 0 || wholeText || flagged * 2 >= sentences.length,
    wholeText,
    sentences,
  };
}
