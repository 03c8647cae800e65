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

/** A line of a page, where its first run sits, and its tallest run's height. */
interface PlacedLine {
  text: string;
  y: number;
  height: number;
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
 * out (`withoutUnmappedGlyphs`).
 */
export function layoutPageText(runs: readonly TextRun[]): string {
  return joinLineEndHyphens(withParagraphBreaks(placeLines(withoutUnmappedGlyphs(runs))));
}

function placeLines(runs: readonly TextRun[]): PlacedLine[] {
  const lines: PlacedLine[] = [];
  let line: PlacedLine | undefined;
  let previous: TextRun | undefined;
  const end = (): void => {
    // An empty line is the producer's own blank line: kept as a paragraph break.
    lines.push(line ?? { text: '', y: Number.NaN, height: 0 });
    line = undefined;
    previous = undefined;
  };
  for (const run of runs) {
    if (run.text.length > 0) {
      if (previous !== undefined && line !== undefined) {
        if (movedToAnotherLine(previous, run)) {
          end();
        } else if (separatedByGap(previous, run) && !/\s$/.test(line.text) && !/^\s/.test(run.text)) {
          line.text += ' ';
        }
      }
      if (line === undefined) line = { text: '', y: run.y, height: run.height };
      line.text += run.text;
      line.height = Math.max(line.height, run.height);
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

function withParagraphBreaks(lines: readonly PlacedLine[]): string {
  const texts: string[] = [];
  const spacing = usualLineSpacing(lines);
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
