import { readPeriodHeader } from './table-header';

/**
 * What a piece of the text is: a heading (a short line without closing punctuation that
 * stands alone or introduces the next line), a bulleted or numbered list item, a row (a
 * line of a table or a form: a label, if any, then figures), or prose.
 */
export type SentenceKind = 'heading' | 'item' | 'row' | 'prose';

/** A sentence of the text, what kind it is, and where it stands. */
export interface Sentence {
  text: string;
  /** The paragraph it belongs to: 0-based, blank-line separated. */
  paragraph: number;
  kind: SentenceKind;
  /** The 1-based page, when the text marks pages with form feeds (`\f`); null when it does not. */
  page: number | null;
}

interface Segment {
  text: string;
  kind: SentenceKind;
}

// A period after one of these does not end a sentence ("Acme Inc. reported", "approx. 5").
const ABBREVIATIONS = new Set(
  `mr mrs ms dr prof sr jr st inc ltd llc co corp plc vs etc e.g i.e approx est no nos fig figs dept
  jan feb mar apr jun jul aug sep sept oct nov dec u.s u.k nr bzw z.b ca vgl s str`.split(/\s+/),
);

const TERMINAL = /[.!?…:;,"”'’)\]。！？]$/u;
const BULLET = /^\s*(?:[•●▪◦‣∙*–—-]|\(?\d{1,2}[.)])\s+/u;
const MAX_HEADING_WORDS = 10;
// Longer than any real sentence (a summary sentence has at most 80 words): a longer run is cut.
const MAX_SENTENCE_CHARS = 2_000;
// Enough of a piece's end to hold the word before its full stop.
const ABBREVIATION_WINDOW = 40;
const SEGMENTER_CHUNK_CHARS = 4_000;
// A cell of a table row: a number with its sign, currency and notation ("(479)", "△525",
// "$", "11%", "-16.55%", "—"), or a scale word.
const CELL =
  /^(?:[(（]?[-−+△▲]?[$€£¥₹`]?\d[\d.,]*[%％]?[)）]?[.,;]?|[$€£¥₹%％—–―-]|(?:million|billion|thousand|crores?|lakhs?|meur|musd|bn|mn|cr\.?|dr\.?)[.,]?)$/iu;
const MAX_ROW_LABEL_WORDS = 12;
// A change between periods a CJK table states in words: "上升 5.72 个百分点", "减少 3.1 个百分点".
const CHANGE_IN_WORDS = /^(?:上升|下降|增加|减少|提高|降低)\s*[-+]?\d[\d.,]*\s*(?:个)?百分点$/u;
const SHORT_ROW_LABEL_WORDS = 4;
// A sentence's end inside a text: a full stop and a space, or a CJK full stop.
const SENTENCE_END = /\p{L}[.!?]\s|[。！？]/u;
const CJK = /[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}\p{sc=Hangul}]/u;

/**
 * Splits text into sentences. Built for text extracted from documents: blank lines separate
 * paragraphs, single line breaks are usually wrapping (joined, de-hyphenated), but a short
 * line without closing punctuation is a heading, a bulleted line starts a new item and a
 * line of figures is a table row of its own. Prose is cut into sentences by
 * `Intl.Segmenter` for `language` (an ISO 639-1 code; the root rules when unknown).
 */
export function splitSentences(text: string, language?: string): Sentence[] {
  const segmenter = new Intl.Segmenter(language === undefined || language === 'und' ? undefined : language, {
    granularity: 'sentence',
  });
  const sentences: Sentence[] = [];
  const normalised = text.replace(/\r\n?/g, '\n');
  const pages = normalised.split('\f');
  const paged = pages.length > 1;
  // Every page's paragraphs in order, so that a sentence a page end cuts is joined again (its
  // page is the one it starts on), as a blank line inside a sentence is.
  const blocks = pages.flatMap((pageText, pageIndex) =>
    pageText.split(/\n[ \t]*\n/).map((text) => ({ text, page: paged ? pageIndex + 1 : null })),
  );
  let paragraph = 0;
  for (const { text: block, page } of joinBrokenParagraphs(blocks)) {
    let found = false;
    for (const segment of segments(block)) {
      // Rows and headings keep the tabs between a table's cells; in prose a tab is a space.
      const pieces =
        segment.kind === 'heading' || segment.kind === 'row'
          ? [segment.text]
          : splitSegment(segment.text.replace(/\t+/gu, ' '), segmenter);
      for (const sentence of pieces) {
        sentences.push({ text: sentence, paragraph, kind: segment.kind, page });
        found = true;
      }
    }
    if (found) paragraph++;
  }
  return sentences;
}

/** A paragraph of the text and the page it starts on (null where the text marks no pages). */
interface Block {
  text: string;
  page: number | null;
}

/**
 * Paragraphs rejoined where a blank line falls inside a sentence: some PDFs' text puts a
 * blank line after every line of a block, so a paragraph that ends in a long line without
 * closing punctuation ("… the entities included in ACCIONA's") goes on in the next one. A
 * heading is short, and a row or a list item starts a line of its own, so neither is joined.
 * The same holds across a page end (a form feed).
 */
function joinBrokenParagraphs(blocks: readonly Block[]): Block[] {
  const out: { parts: string[]; page: number | null }[] = [];
  for (const block of blocks) {
    const previous = out.at(-1);
    if (previous !== undefined && continuesInto(previous.parts.at(-1)!, block.text)) previous.parts.push(block.text);
    else out.push({ parts: [block.text], page: block.page });
  }
  return out.map(({ parts, page }) => ({ text: parts.join('\n'), page }));
}

function continuesInto(block: string, next: string): boolean {
  // A page's last block ends with the line break before its form feed.
  const ended = block.trimEnd();
  const last = ended.slice(ended.lastIndexOf('\n') + 1).trim();
  const first = next.trimStart();
  const firstLine = first.slice(0, first.indexOf('\n') >>> 0).trim();
  return (
    last.split(/\s+/u).length > MAX_HEADING_WORDS &&
    !TERMINAL.test(last) &&
    !isRow(last) &&
    /^[\p{L}\p{N}]/u.test(first) &&
    !BULLET.test(first) &&
    !isRow(firstLine)
  );
}

/**
 * Whether a line is a row of a table or a form: a label of a few words (or none), then cells
 * that are mostly figures ("Revenue $ 31,999 $ 28,822 11%", "Total $ 279.84", "当期純利益
 * 1,269 1,269"), without a sentence's closing full stop.
 */
export function isRow(line: string): boolean {
  // Cells apart (tabs between them): a change stated in words is one cell ("上升 5.72 个百分点").
  const tabbed = line.trim().split('\t');
  if (tabbed.length >= 3 && tabbed.slice(1).every((c) => CHANGE_IN_WORDS.test(c.trim()) || CELL.test(c.trim())))
    return tabbed.slice(1).some((c) => /\d/u.test(c));
  const tokens = line.trim().split(/\s+/u);
  const first = tokens.findIndex((t) => CELL.test(t) && /\d/u.test(t));
  if (first < 0 || first > MAX_ROW_LABEL_WORDS) return false;
  const cells = tokens.slice(first);
  const figures = cells.filter((t) => CELL.test(t)).length;
  // "Week 3 of 2031" is a heading: a row's cells are nearly all figures.
  if (figures / cells.length < 0.75) return false;
  // A label before a year alone is a title ("Financial Report Q4 2023"), not a row.
  if (cells.length === 1 && /^(?:19|20)\d{2}$/u.test(cells[0]!)) return false;
  // A long label before a single figure is a sentence ending in a year ("... will grow in 2025").
  if (first > SHORT_ROW_LABEL_WORDS && cells.filter((t) => /\d/u.test(t)).length < 2) return false;
  // "It grew 5%." is a sentence; "0 0 Dr." is a ledger's row.
  return !/\p{L}{2,}[.!?。]$/u.test(line.trim()) || CELL.test(tokens.at(-1) ?? '');
}

/** A line of three cells or more, none of them a figure: a table's column names. */
function isCellHeader(line: string): boolean {
  const cells = line.split('\t');
  return cells.length >= MIN_HEADER_CELLS && !isRow(line) && cells.every((c) => !CELL.test(c.trim()));
}
const MIN_HEADER_CELLS = 3;

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
  // The last line joined was a row's end: cells alone (two figures or more), or the end of a
  // label and its cells ("Total net" / "revenue 1,200 1,350").
  let cellsEnd = false;
  const close = (): void => {
    const text = parts.join('');
    // A label that wrapped over lines, then its cells: "归属于…扣除非经常性损" / "益的净利润（元）" / "-7,889,855.34 …".
    out.push({ text, kind: kind === 'prose' && cellsEnd && isRow(text) && !SENTENCE_END.test(text) ? 'row' : kind });
    cellsEnd = false;
    parts = [];
    kind = 'prose';
  };
  for (const [i, line] of lines.entries()) {
    const next = lines[i + 1];
    // A row starts a line of its own; a line that continues a sentence is wrapped prose: one
    // starting in lower case ("quarter ended June 30, 2023."), or figures alone after an
    // unfinished line ("... in the second quarter of" + "2023.").
    const continues =
      parts.length > 0 && (/^\p{Ll}/u.test(line) || (!/\p{L}/u.test(line) && !TERMINAL.test(parts.at(-1) ?? '')));
    // A table's header of periods ("2023 2022 % Change", "本报告期 上年同期 …增减") is a line of its own.
    // So is a table's header of three cells or more (pdf_extractor puts a tab between cells).
    if ((readPeriodHeader(line) !== undefined || isCellHeader(line)) && !/^\p{Ll}/u.test(line)) {
      if (parts.length > 0) close();
      out.push({ text: line, kind: 'heading' });
      continue;
    }
    if (isRow(line) && !BULLET.test(line) && !continues) {
      if (parts.length > 0) close();
      out.push({ text: line, kind: 'row' });
      continue;
    }
    const item = line.replace(BULLET, '');
    if (item !== line && parts.length > 0) close();
    if (item !== line) kind = 'item';
    const alone = parts.length === 0;
    joinLine(parts, item);
    cellsEnd =
      parts.length > 1 &&
      (isRow(item) || (!/\p{L}/u.test(item) && item.split(/\s+/u).filter((t) => /\d/u.test(t)).length >= 2));
    // A heading is a line on its own: introducing the next line, or a block by itself ("Outlook").
    if (
      alone &&
      kind === 'prose' &&
      looksLikeHeading(line) &&
      (next === undefined ? lines.length === 1 : introduces(next))
    ) {
      kind = 'heading';
    }
    if (next === undefined || isHeading(line, next) || BULLET.test(next) || (isRow(next) && TERMINAL.test(line)))
      close();
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
  // Chinese and Japanese put no space between words: a wrapped line continues without one.
  if (CJK.test(last.slice(-1)) && CJK.test(line.charAt(0))) {
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

/**
 * Cuts prose into sentences with the platform's `Intl.Segmenter` (ICU's sentence rules: every
 * script, CJK full stops included), then rejoins a cut made after an abbreviation or an
 * initial ("Acme Inc. reported", "J. Smith", German "am 3. Mai"): Node's ICU has no
 * abbreviation suppressions (the `-u-ss-standard` locale extension is ignored).
 */
function splitSegment(segment: string, segmenter: Intl.Segmenter): string[] {
  const out: string[] = [];
  // The pieces of the sentence being rejoined, and the end of the last: testing the end of one
  // growing string would flatten it on every piece, quadratic in a run of abbreviations.
  let pending: string[] = [];
  let tail = '';
  const flush = (): void => {
    const sentence = pending.join('').trim();
    if (sentence.length > 0) out.push(...bounded(sentence));
    pending = [];
    tail = '';
  };
  for (const piece of boundedSegments(segment, segmenter)) {
    pending.push(piece);
    tail = (tail + piece).slice(-ABBREVIATION_WINDOW);
    if (!endsInAbbreviation(tail)) flush();
  }
  flush();
  return out.filter((s) => /[\p{L}\p{N}]/u.test(s));
}

/**
 * The segmenter's sentences of `text`, read a chunk of about `SEGMENTER_CHUNK_CHARS` at a time:
 * V8's segment iterator costs time in proportion to the whole string for every segment it
 * yields (40,000 short sentences in one string took 21 s, 10,000 half a second). A chunk ends
 * at a space, and its last sentence, which may go on in the next chunk, is read again with it.
 */
function* boundedSegments(text: string, segmenter: Intl.Segmenter): Generator<string> {
  let start = 0;
  let carry = '';
  while (start < text.length) {
    let end = Math.min(text.length, start + SEGMENTER_CHUNK_CHARS);
    if (end < text.length) {
      const space = text.lastIndexOf(' ', end);
      if (space > start) end = space + 1;
    }
    const pieces = Array.from(segmenter.segment(carry + text.slice(start, end)), (s) => s.segment);
    start = end;
    carry = start < text.length ? (pieces.pop() ?? '') : '';
    yield* pieces;
    // A run with no sentence end: let it go rather than carry it on (bounded() cuts it anyway).
    if (carry.length > MAX_SENTENCE_CHARS) {
      yield carry;
      carry = '';
    }
  }
  if (carry.length > 0) yield carry;
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

/** Whether a piece cut by the segmenter ends in an abbreviation, an initial or an ordinal number ("3."), not a sentence. */
function endsInAbbreviation(piece: string): boolean {
  const match = /(?:^|\s)["'“‘(]*([\p{L}\p{N}.]+)\.\s*$/u.exec(piece);
  if (match === null) return false;
  const word = match[1]!.toLowerCase();
  return ABBREVIATIONS.has(word) || /^\p{L}$/u.test(word) || /^\d{1,2}$/u.test(word);
}
