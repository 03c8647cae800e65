import { joinLineEndHyphens } from './line-end-hyphens';
import { withoutUnmappedGlyphs } from './unmapped-glyphs';

/** A piece of text placed on a page, in PDF user space (y grows upwards). */
export interface TextRun {
  text: string;
  x: number;
  y: number;
  width: number;
  height: number;
  /** The producer marked a line break after this run. */
  endsLine: boolean;
}

/** A line of a page, where its first run sits, its tallest run's height, and its cells. */
interface PlacedLine {
  text: string;
  y: number;
  height: number;
  /** Pieces of the line that wide gaps separate (a table's cells), left to right. */
  cells: Cell[];
}

/** A piece of a line between wide gaps, and where it spans across the page. */
interface Cell {
  text: string;
  x: number;
  end: number;
  y: number;
}

// A line that starts this much further below the previous one than the page's usual line
// spacing starts a paragraph. Relative to the page's own spacing, so a double-spaced page
// does not turn every line into a paragraph.
const PARAGRAPH_SPACING = 1.4;
// ...and by at least this share of the text height, so slightly uneven spacing is not a gap.
const PARAGRAPH_MIN_EXTRA = 0.3;
// When a page has too few lines to tell its spacing, a usual one for its font size.
const DEFAULT_LEADING = 1.2;

/**
 * Rebuilds a page's lines from its text runs in content order. A line ends where pdf.js
 * saw an end of line, or where the baseline moves by more than half a line height (many
 * producers draw each line as a separate run with no explicit break). A blank line marks a
 * paragraph: where the producer put one, or where a line starts clearly further down than
 * the page's usual line spacing (a paragraph gap, or a heading's space). Words hyphenated
 * across line ends are joined (`joinLineEndHyphens`). Glyphs with no known character are left
 * out (`withoutUnmappedGlyphs`). Pieces of a line that a gap wider than any word space
 * separates are a table's cells: a tab stands between them (as pdftotext's table modes and
 * most extractors do), so a reader can tell "Total⇥6,472⇥508" from words; and a table header
 * whose cells wrap over several lines, drawn cell by cell, is put together column by column
 * (`withWrappedHeadersJoined`).
 */
export function layoutPageText(runs: readonly TextRun[]): string {
  const lines = placeLines(withoutUnmappedGlyphs(runs));
  // The page's usual spacing is that of the lines as drawn: joining a header's wrapped lines
  // into one must not change where the page's paragraphs break.
  return joinLineEndHyphens(withParagraphBreaks(withWrappedHeadersJoined(lines), usualLineSpacing(lines)));
}

function placeLines(runs: readonly TextRun[]): PlacedLine[] {
  const lines: PlacedLine[] = [];
  let line: PlacedLine | undefined;
  let previous: TextRun | undefined;
  // The last run with visible text: gaps are measured from its end, past any space runs.
  let ink: TextRun | undefined;
  const end = (): void => {
    // An empty line is the producer's own blank line: kept as a paragraph break.
    lines.push(line ?? { text: '', y: Number.NaN, height: 0, cells: [] });
    line = undefined;
    previous = undefined;
    ink = undefined;
  };
  for (const run of runs) {
    if (run.text.length > 0) {
      if (previous !== undefined && line !== undefined) {
        if (movedToAnotherLine(previous, run)) {
          end();
        } else if (ink !== undefined && run.text.trim() !== '' && separatedByCellGap(ink, run)) {
          line.text = `${line.text.trimEnd()}\t`;
          line.cells.push({ text: '', x: Number.NaN, end: run.x, y: run.y });
        } else if (separatedByGap(previous, run) && !/\s$/.test(line.text) && !/^\s/.test(run.text)) {
          line.text += ' ';
          line.cells.at(-1)!.text += ' ';
        }
      }
      if (line === undefined) {
        line = { text: '', y: run.y, height: run.height, cells: [{ text: '', x: Number.NaN, end: run.x, y: run.y }] };
      }
      line.text += run.text;
      line.height = Math.max(line.height, run.height);
      const cell = line.cells.at(-1)!;
      cell.text += run.text;
      if (run.text.trim() !== '') {
        if (Number.isNaN(cell.x)) cell.x = run.x;
        cell.end = Math.max(cell.end, run.x + run.width);
        ink = run;
      }
      previous = run;
    }
    if (run.endsLine) end();
  }
  if (line !== undefined) lines.push(line);
  return lines;
}

function movedToAnotherLine(previous: TextRun, run: TextRun): boolean {
  const lineHeight = Math.max(previous.height, run.height, 1);
  return Math.abs(run.y - previous.y) > lineHeight / 2;
}

// pdf.js already emits spaces for most word gaps; this catches producers that position
// each word separately. A third of the font size is wider than kerning, narrower than a space.
function separatedByGap(previous: TextRun, run: TextRun): boolean {
  const gap = run.x - (previous.x + previous.width);
  return gap > Math.max(previous.height, run.height) / 3;
}

// A gap this many times the text height is no word space (justified text stretches a space
// to about one em): it separates a table's columns. Measured on the corpus: prose and
// justified columns keep under 1.5 em, tables' columns 2 em and far more.
const CELL_GAP = 1.5;

function separatedByCellGap(previous: TextRun, run: TextRun): boolean {
  const gap = run.x - (previous.x + previous.width);
  return gap >= CELL_GAP * Math.max(previous.height, run.height, 1);
}

// A header's cells wrap over at most this many lines.
const MAX_HEADER_LINES = 7;
// A header names three columns or more, each piece of a name at most this long (a line of a wrapped name).
const MIN_HEADER_COLUMNS = 3;
const MAX_HEADER_PIECE = 40;
// ...and one of them, aligned to the bottom, may start this many lines above the first one read.
const MAX_RISE_LINES = 2;

/**
 * A table header whose cells wrap over several lines comes from most producers cell by cell:
 * "Corporate Income" / "Tax accrued (M€)" / (back up) "Corporate Income Tax" / "paid on a cash
 * basis (M€)"…, so its lines read out of order. Where consecutive lines go back up within a
 * few lines' depth, they are such a band: its cells are grouped into columns by where they
 * span across the page, each column's pieces joined top to bottom, and the columns written as
 * one line with tabs between them ("Tax jurisdiction⇥Total sales (M€)⇥…⇥Corporate Income Tax
 * accrued (M€)⇥…"). Prose never goes back up, and a new column of text goes back up a page's
 * depth, not a few lines'.
 */
function withWrappedHeadersJoined(lines: readonly PlacedLine[]): PlacedLine[] {
  const out: PlacedLine[] = [];
  for (let i = 0; i < lines.length; i++) {
    const band = wrappedBand(lines, i);
    if (band === undefined) {
      out.push(lines[i]!);
      continue;
    }
    const pieces = lines.slice(i, band);
    const joined = joinedColumns(pieces);
    // A header is short names side by side: a band of long lines (footnotes, formulas set
    // beside text) or of one or two columns is no header, and keeps its lines.
    // And a header heads rows: the line under it is cells too.
    const under = lines.slice(band).find((l) => l.text.trim() !== '');
    if (
      joined.cells.length < MIN_HEADER_COLUMNS ||
      (under?.cells.length ?? 0) < MIN_HEADER_COLUMNS ||
      pieces.some((l) => l.cells.some((c) => c.text.trim().length > MAX_HEADER_PIECE))
    ) {
      out.push(lines[i]!);
      continue;
    }
    // A cell aligned to the band's bottom (a first column's "Period") comes before its top line.
    const before = out.at(-1);
    if (before !== undefined && belongsBeside(before, pieces)) pieces.unshift(out.pop()!);
    out.push(joinedColumns(pieces));
    i = band - 1;
  }
  return out;
}

/** Where a wrapped header's band starting at line `start` ends (exclusive), if one starts there. */
function wrappedBand(lines: readonly PlacedLine[], start: number): number | undefined {
  const top = lines[start]!;
  if (Number.isNaN(top.y)) return undefined;
  const leading = DEFAULT_LEADING * Math.max(top.height, 1);
  const depth = MAX_HEADER_LINES * leading;
  // Cells aligned to the header's bottom: a cell of more lines starts above the first one read.
  let highest = top.y;
  const levels = new Set<number>([Math.round(top.y)]);
  let lastUp: number | undefined;
  let revisited = false;
  let end = start + 1;
  for (; end < lines.length; end++) {
    const line = lines[end]!;
    const above = lines[end - 1]!;
    if (Number.isNaN(line.y) || line.y > top.y + MAX_RISE_LINES * leading || highest - line.y > depth) break;
    highest = Math.max(highest, line.y);
    if (line.y > above.y + Math.max(line.height, above.height) / 2) {
      lastUp = end;
      // Back to the band's first line: the next cell of a header that starts there.
      if (line.y >= top.y - Math.max(line.height, 1) / 2) revisited = true;
    }
    // After the last line that went back up, only the last cell's own wrapped lines (one
    // piece under the one above) belong to the band; the first row of the table does not.
    if (lastUp !== undefined && end > lastUp && !(line.cells.length === 1 && overlaps(line.cells[0]!, above))) break;
    levels.add(Math.round(line.y));
  }
  if (lastUp === undefined || !revisited || levels.size < 2 || levels.size > MAX_HEADER_LINES + MAX_RISE_LINES)
    return undefined;
  return end;
}

/** Whether a cell spans some of the same width of the page as a line's last cell. */
function overlaps(cell: Cell, line: PlacedLine): boolean {
  const other = line.cells.at(-1);
  return other !== undefined && cell.x < other.end && other.x < cell.end;
}

/** A line of one cell just above a band, no higher than its top nor lower than its bottom, beside its cells. */
function belongsBeside(line: PlacedLine, band: readonly PlacedLine[]): boolean {
  if (line.cells.length !== 1 || Number.isNaN(line.y)) return false;
  const ys = band.map((l) => l.y);
  const cell = line.cells[0]!;
  return (
    line.y < Math.max(...ys) &&
    line.y >= Math.min(...ys) - line.height / 2 &&
    band.every((l) => l.cells.every((c) => c.x >= cell.end || c.end <= cell.x))
  );
}

// Pieces of one CJK cell join without a space, as wrapped CJK lines do.
const CJK_END = /[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}\p{sc=Hangul}]$/u;
const CJK_START = /^[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}\p{sc=Hangul}]/u;

function joinPieces(pieces: readonly string[]): string {
  return pieces.reduce((joined, piece) =>
    CJK_END.test(joined) && CJK_START.test(piece) ? joined + piece : `${joined} ${piece}`,
  );
}

function joinedColumns(band: readonly PlacedLine[]): PlacedLine {
  const cells = band.flatMap((line) => line.cells.filter((c) => c.text.trim() !== ''));
  const columns: { x: number; end: number; cells: Cell[] }[] = [];
  for (const cell of [...cells].sort((a, b) => a.x - b.x)) {
    const column = columns.find((c) => cell.x < c.end && c.x < cell.end);
    if (column === undefined) columns.push({ x: cell.x, end: cell.end, cells: [cell] });
    else {
      column.cells.push(cell);
      column.x = Math.min(column.x, cell.x);
      column.end = Math.max(column.end, cell.end);
    }
  }
  const text = columns
    .sort((a, b) => a.x - b.x)
    .map((column) =>
      column.cells
        .sort((a, b) => b.y - a.y || a.x - b.x)
        .map((c) => c.text.trim())
        .reduce((joined, piece) => joinPieces([joined, piece])),
    )
    .join('\t');
  const top = band[0]!;
  return {
    text,
    y: top.y,
    height: Math.max(...band.map((l) => l.height)),
    cells: columns.map((c) => ({ text: '', x: c.x, end: c.end, y: top.y })),
  };
}

function withParagraphBreaks(lines: readonly PlacedLine[], spacing: number | undefined): string {
  const texts: string[] = [];
  let above: PlacedLine | undefined;
  for (const line of lines) {
    const text = line.text.trimEnd();
    if (text.length === 0) {
      texts.push('');
      above = undefined;
      continue;
    }
    if (above !== undefined) {
      const drop = above.y - line.y;
      const usual = spacing ?? DEFAULT_LEADING * Math.max(line.height, above.height);
      if (drop > usual * PARAGRAPH_SPACING && drop - usual > PARAGRAPH_MIN_EXTRA * Math.max(line.height, 1))
        texts.push('');
    }
    texts.push(text);
    above = line;
  }
  return tidyLines(texts);
}

/** The most common distance down from one line to the next (rounded to a point), if there are a few. */
function usualLineSpacing(lines: readonly PlacedLine[]): number | undefined {
  const counts = new Map<number, number>();
  for (let i = 1; i < lines.length; i++) {
    const drop = Math.round(lines[i - 1]!.y - lines[i]!.y);
    if (drop > 0) counts.set(drop, (counts.get(drop) ?? 0) + 1);
  }
  let best: [number, number] | undefined;
  for (const [drop, count] of counts) {
    if (best === undefined || count > best[1] || (count === best[1] && drop < best[0])) best = [drop, count];
  }
  return best !== undefined && best[1] >= 2 ? best[0] : undefined;
}

/** Trailing spaces dropped, at most one blank line in a row, none at either end. */
function tidyLines(lines: readonly string[]): string {
  const out: string[] = [];
  for (const line of lines) {
    if (line.length === 0 && (out.length === 0 || out.at(-1) === '')) continue;
    out.push(line);
  }
  while (out.at(-1) === '') out.pop();
  return out.join('\n');
}
