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

/**
 * Rebuilds a page's lines from its text runs in content order. A line ends where pdf.js
 * saw an end of line, or where the baseline moves by more than half a line height (many
 * producers draw each line as a separate run with no explicit break).
 */
export function layoutPageText(runs: readonly TextRun[]): string {
  const lines: string[] = [];
  let line = '';
  let previous: TextRun | undefined;
  for (const run of runs) {
    if (run.text.length > 0) {
      if (previous !== undefined && line.length > 0) {
        if (movedToAnotherLine(previous, run)) {
          lines.push(line);
          line = '';
        } else if (separatedByGap(previous, run) && !/\s$/.test(line) && !/^\s/.test(run.text)) {
          line += ' ';
        }
      }
      line += run.text;
      previous = run;
    }
    if (run.endsLine) {
      lines.push(line);
      line = '';
      previous = undefined;
    }
  }
  if (line.length > 0) lines.push(line);
  return tidyLines(lines);
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

/** Trailing spaces dropped, at most one blank line in a row, none at either end. */
function tidyLines(lines: readonly string[]): string {
  const out: string[] = [];
  for (const raw of lines) {
    const line = raw.trimEnd();
    if (line.length === 0 && (out.length === 0 || out.at(-1) === '')) continue;
    out.push(line);
  }
  while (out.at(-1) === '') out.pop();
  return out.join('\n');
}
