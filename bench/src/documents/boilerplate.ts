/**
 * Why a summary sentence is boilerplate: the list (form instructions, table rows,
 * headers and footers, page numbers) as `numbers` (a table row), `fragment` (a page number, a
 * label), `repeated` (a running header or footer), `contact` (a footer's address, telephone,
 * e-mail or web address) and `instruction`. `off_topic` is a
 * different fault, reported beside them: a sentence of the document that says nothing of what
 * the label's reader says it is about. It does not make a summary boilerplate.
 */
export type BoilerplateReason = 'numbers' | 'fragment' | 'repeated' | 'instruction' | 'contact' | 'off_topic';

/** A summary's sentences, each with what makes it boilerplate, and the verdict on the whole. */
export interface SummaryVerdict {
  boilerplate: boolean;
  /** Set when the summary is most of the document's text rather than a summary of it. */
  wholeText: boolean;
  /**
   * Set when the summary is empty and the text has no sentence the judge would accept (a
   * ledger, a payment slip): saying nothing is right there, and is not boilerplate.
   */
  silent: boolean;
  /** Half its sentences or more share no word with the label's description (see `off_topic`). */
  offTopic: boolean;
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
  /\b(?:attach|fill (?:out|in)|enter (?:the|your)|check (?:the|this|all|one)|see (?:the )?instructions|sign here|please (?:print|type|complete|fill|select|mark)|when paying|pay (?:online|via|by)|detach and|make (?:checks?|cheques?) payable)\b/iu;
// A footer's contact line: where the sender sits and how to reach it.
const CONTACT =
  /\b(?:registered office|tel(?:ephone)?\.?:|phone:|fax:|e-?mail:)|www\.|https?:\/\/|@[\w-]+\.[a-z]{2,}/iu;
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

/** An English plural as its singular ("risks" → "risk", "taxes" → "tax"), so word forms compare. */
function singular(word: string): string {
  if (/(?:ss|us|is)$/u.test(word)) return word;
  if (/(?:xes|ches|shes|sses)$/u.test(word)) return word.slice(0, -2);
  if (/ies$/u.test(word) && word.length > 4) return `${word.slice(0, -3)}y`;
  return word.endsWith('s') ? word.slice(0, -1) : word;
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
  if (CONTACT.test(sentence)) reasons.push('contact');
  // The reference is English: only an English summary can be compared with it word for word.
  if (context.language === 'en' && !words.some((w) => w.length >= 4 && !STOP.has(w) && topic.has(singular(w)))) {
    reasons.push('off_topic');
  }
  return reasons;
}

/**
 * Judges a summary: each sentence (split by `Intl.Segmenter`) is boilerplate when it is
 * mostly figures (40% of its tokens or more hold a digit: a table row), a fragment (under 3
 * words), found on two pages or more (a running header or footer) or a form instruction; it
 * is off topic, in English, when it shares no word of 4 letters or more (plurals as their
 * singular) with the label's `summary_reference` and `must_contain` phrases. The summary is
 * boilerplate when it is most of the text (over 60% of a text of 400 characters or more),
 * when half its sentences or more are boilerplate, or when it is empty although the text has
 * a sentence of 8 words or more that is none of those (else an empty summary is silent, and
 * right: the issue asks for sentences that say what the document is about, and for none
 * made of boilerplate).
 */
export function judgeSummary(summary: string, context: SummaryContext): SummaryVerdict {
  const topic = new Set(wordsOf(context.reference, 'en').map(singular));
  const sentences = sentencesOf(summary, context.language).map((text) => ({
    text,
    reasons: reasonsFor(text, context, topic),
  }));
  const textLength = collapse(context.text).length;
  const wholeText = textLength >= 400 && collapse(summary).length > 0.6 * textLength;
  const faults = (s: { reasons: BoilerplateReason[] }) => s.reasons.filter((r) => r !== 'off_topic').length > 0;
  const flagged = sentences.filter(faults).length;
  const silent = sentences.length === 0 && !hasQuotableSentence(context);
  const offTopic =
    sentences.length > 0 && sentences.filter((s) => s.reasons.includes('off_topic')).length * 2 >= sentences.length;
  return {
    boilerplate:
      (sentences.length === 0 && !silent) || wholeText || (sentences.length > 0 && flagged * 2 >= sentences.length),
    wholeText,
    silent,
    offTopic,
    sentences,
  };
}

function sentencesOf(text: string, language: string): string[] {
  return [...new Intl.Segmenter(language, { granularity: 'sentence' }).segment(text)]
    .map((s) => s.segment.trim())
    .filter((s) => s.length > 0);
}

const MIN_QUOTABLE_WORDS = 8;
// A quotable sentence is prose: a fifth of its tokens holding a digit is already a row's share.
const MAX_QUOTABLE_FIGURE_SHARE = 0.2;

function figureShare(sentence: string): number {
  const tokens = sentence.split(/\s+/u).filter((t) => t.length > 0);
  return tokens.length === 0 ? 0 : tokens.filter((t) => /\d/u.test(t)).length / tokens.length;
}

/** Whether the text has a sentence a summary could quote: 8 words or more, and no boilerplate. */
function hasQuotableSentence(context: SummaryContext): boolean {
  return (
    context.text
      .split(/\n[ \t]*\n/u)
      .flatMap((paragraph) => sentencesOf(paragraph.replace(/[^\S\t]+/gu, ' '), context.language))
      // Cells apart (pdf_extractor puts a tab between a table's cells): a table's, never prose.
      .filter((sentence) => !sentence.includes('\t'))
      .some(
        (sentence) =>
          wordsOf(sentence, context.language).length >= MIN_QUOTABLE_WORDS &&
          reasonsFor(sentence, context, new Set()).every((r) => r === 'off_topic') &&
          figureShare(sentence) < MAX_QUOTABLE_FIGURE_SHARE,
      )
  );
}
