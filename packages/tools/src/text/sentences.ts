/**
 * What a piece of the text is: a heading (a short line without closing punctuation that
 * stands alone or introduces the next line), a bulleted or numbered list item, or prose.
 */
export type SentenceKind = 'heading' | 'item' | 'prose';

/** A sentence of the text, what kind it is, and the paragraph it belongs to (0-based, blank-line separated). */
export interface Sentence {
  text: string;
  paragraph: number;
  kind: SentenceKind;
}

interface Segment {
  text: string;
  kind: SentenceKind;
}

// A period after one of these does not end a sentence ("Acme Inc. reported", "approx. 5").
const ABBREVIATIONS = new Set(
  `mr mrs ms dr prof sr jr st inc ltd llc co corp plc vs etc e.g i.e approx est no nos fig figs dept
  jan feb mar apr jun jul aug sep sept oct nov dec u.s u.k`.split(/\s+/),
);

const TERMINAL = /[.!?…:;,"”'’)\]]$/u;
const BULLET = /^\s*(?:[•●▪◦‣∙*–—-]|\(?\d{1,2}[.)])\s+/u;
const MAX_HEADING_WORDS = 10;
// Longer than any real sentence (a summary sentence has at most 80 words): a longer run is cut.
const MAX_SENTENCE_CHARS = 2_000;

/**
 * Splits text into sentences. Built for text extracted from documents: blank lines separate
 * paragraphs, single line breaks are usually wrapping (joined, de-hyphenated), but a short
 * line without closing punctuation is a heading and a bulleted line starts a new item.
 */
export function splitSentences(text: string): Sentence[] {
  const sentences: Sentence[] = [];
  const paragraphs = text.replace(/\r\n?/g, '\n').split(/\n[ \t]*\n/);
  let paragraph = 0;
  for (const block of paragraphs) {
    let found = false;
    for (const segment of segments(block)) {
      for (const sentence of segment.kind === 'heading' ? [segment.text] : splitSegment(segment.text)) {
        sentences.push({ text: sentence, paragraph, kind: segment.kind });
        found = true;
      }
    }
    if (found) paragraph++;
  }
  return sentences;
}

/** Runs of lines that read as continuous prose, list items, and headings. */
function segments(block: string): Segment[] {
  const lines = block
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /[\p{L}\p{N}]/u.test(l));
  const out: Segment[] = [];
  // A segment's lines are collected and joined once it ends: appending each line to one
  // growing string and testing its end cost a pass over the whole paragraph per line, which
  // made a page of a thousand wrapped lines quadratic.
  let parts: string[] = [];
  let kind: SentenceKind = 'prose';
  const close = (): void => {
    out.push({ text: parts.join(''), kind });
    parts = [];
    kind = 'prose';
  };
  for (const [i, line] of lines.entries()) {
    const next = lines[i + 1];
    const item = line.replace(BULLET, '');
    if (item !== line && parts.length > 0) close();
    if (item !== line) kind = 'item';
    const alone = parts.length === 0;
    joinLine(parts, item);
    // A heading is a line on its own: introducing the next line, or a block by itself ("Outlook").
    if (
      alone &&
      kind === 'prose' &&
      looksLikeHeading(line) &&
      (next === undefined ? lines.length === 1 : introduces(next))
    ) {
      kind = 'heading';
    }
    if (next === undefined || isHeading(line, next) || BULLET.test(next)) close();
  }
  return out;
}

/** Appends a wrapped line to the parts of its segment. */
function joinLine(parts: string[], line: string): void {
  const last = parts.at(-1);
  if (last === undefined) {
    parts.push(line);
    return;
  }
  // "finan-" + "cial" was one word split by wrapping; "year-" + "End" is left alone.
  // Only the end of the line is looked at: a test anchored at the end scans the whole string.
  if (/\p{L}-$/u.test(last.slice(-3)) && /^\p{Ll}/u.test(line)) {
    parts[parts.length - 1] = last.slice(0, -1);
    parts.push(line);
    return;
  }
  parts.push(' ', line);
}

function isHeading(line: string, next: string): boolean {
  return looksLikeHeading(line) && /^[\p{Lu}\p{N}]/u.test(next);
}

/** Whether a line can follow a heading: it starts a sentence or a list. */
function introduces(next: string): boolean {
  return /^[\p{Lu}\p{N}]/u.test(next) || BULLET.test(next);
}

/** Short, without closing punctuation, starting with a capital or a number ("Outlook", "2. Results"). */
function looksLikeHeading(line: string): boolean {
  return !TERMINAL.test(line) && line.split(/\s+/).length <= MAX_HEADING_WORDS && /^[\p{Lu}\p{N}]/u.test(line);
}

/** Cuts after . ! ? when the next sentence starts with a capital, digit or quote; and cuts a run too long for a sentence. */
function splitSegment(segment: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (const match of segment.matchAll(/[.!?…]+["'”’)\]]*\s+/gu)) {
    const end = match.index + match[0].length;
    const nextChar = segment.charAt(end);
    if (!/[\p{Lu}\p{N}"'“‘([$€£¥]/u.test(nextChar)) continue;
    if (match[0].startsWith('.') && !match[0].startsWith('..') && isAbbreviation(segment, start, match.index)) continue;
    out.push(...bounded(segment.slice(start, end).trim()));
    start = end;
  }
  out.push(...bounded(segment.slice(start).trim()));
  return out.filter((s) => /[\p{L}\p{N}]/u.test(s));
}

/**
 * A sentence as it is, or a run of text too long to be one (a table flattened into a line,
 * text without punctuation) cut at word boundaries into pieces of at most
 * `MAX_SENTENCE_CHARS`. Everything later done per sentence (figures and their labels,
 * dates) may then cost more than linear time in a sentence's length without costing more
 * than linear time in the text's.
 */
function bounded(sentence: string): string[] {
  if (sentence.length <= MAX_SENTENCE_CHARS) return sentence.length > 0 ? [sentence] : [];
  const pieces: string[] = [];
  let start = 0;
  while (sentence.length - start > MAX_SENTENCE_CHARS) {
    const space = sentence.lastIndexOf(' ', start + MAX_SENTENCE_CHARS);
    const end = space > start ? space : start + MAX_SENTENCE_CHARS;
    pieces.push(sentence.slice(start, end).trim());
    start = end;
  }
  pieces.push(sentence.slice(start).trim());
  return pieces.filter((p) => p.length > 0);
}

/** Whether the text of `segment` from `start` to the period at `at` ends in an abbreviation or an initial ("J."). */
function isAbbreviation(segment: string, start: number, at: number): boolean {
  // The last word only, found backwards: a pattern anchored at the end would scan from `start`
  // on every period, quadratic in a run of abbreviations that never ends a sentence.
  let from = at;
  while (from > start && !/\s/u.test(segment.charAt(from - 1))) from--;
  const word = segment
    .slice(from, at)
    .toLowerCase()
    .replace(/^["'“‘(]+/u, '');
  return ABBREVIATIONS.has(word) || /^\p{L}$/u.test(word);
}
