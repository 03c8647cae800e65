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
  let current: Segment = { text: '', kind: 'prose' };
  for (const [i, line] of lines.entries()) {
    const next = lines[i + 1];
    const item = line.replace(BULLET, '');
    if (item !== line && current.text.length > 0) {
      out.push(current);
      current = { text: '', kind: 'prose' };
    }
    if (item !== line) current.kind = 'item';
    const alone = current.text.length === 0;
    current.text = joinLine(current.text, item);
    // A heading is a line on its own: introducing the next line, or a block by itself ("Outlook").
    if (alone && current.kind === 'prose' && looksLikeHeading(line) && (next === undefined ? lines.length === 1 : introduces(next))) {
      current.kind = 'heading';
    }
    if (next === undefined || isHeading(line, next) || BULLET.test(next)) {
      out.push(current);
      current = { text: '', kind: 'prose' };
    }
  }
  return out;
}

function joinLine(current: string, line: string): string {
  if (current.length === 0) return line;
  // "finan-" + "cial" was one word split by wrapping; "year-" + "End" is left alone.
  if (/\p{L}-$/u.test(current) && /^\p{Ll}/u.test(line)) return current.slice(0, -1) + line;
  return `${current} ${line}`;
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

/** Cuts after . ! ? when the next sentence starts with a capital, digit or quote. */
function splitSegment(segment: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (const match of segment.matchAll(/[.!?…]+["'”’)\]]*\s+/gu)) {
    const end = match.index + match[0].length;
    const nextChar = segment.charAt(end);
    if (!/[\p{Lu}\p{N}"'“‘([$€£¥]/u.test(nextChar)) continue;
    if (match[0].startsWith('.') && !match[0].startsWith('..') && isAbbreviation(segment.slice(start, match.index))) continue;
    out.push(segment.slice(start, end).trim());
    start = end;
  }
  const rest = segment.slice(start).trim();
  if (rest.length > 0) out.push(rest);
  return out.filter((s) => /[\p{L}\p{N}]/u.test(s));
}

/** Whether the text before a period ends in an abbreviation or an initial ("J."). */
function isAbbreviation(before: string): boolean {
  const last = /(\S+)$/u.exec(before)?.[1]?.toLowerCase() ?? '';
  const word = last.replace(/^["'“‘(]+/u, '');
  return ABBREVIATIONS.has(word) || /^\p{L}$/u.test(word);
}
