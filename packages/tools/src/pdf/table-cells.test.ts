import { PDFDocument, StandardFonts } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { extractPdfText } from './extract-pdf-text';
import { layoutPageText } from './text-layout';
import type { TextRun } from './text-layout';

const every = (pageCount: number): number[] => Array.from({ length: pageCount }, (_, i) => i + 1);

/** The text's lines, blank ones (paragraph breaks) aside. */
const lines = (text: string): string[] => text.split('\n').filter((l) => l !== '');

const run = (text: string, x: number, y: number, endsLine = false): TextRun => ({
  text,
  x,
  y,
  width: text.length * 4,
  height: 8,
  endsLine,
});

describe('layoutPageText: table cells', () => {
  it('puts a tab between pieces of a line that a gap wider than a word space separates', () => {
    expect(
      layoutPageText([run('Total', 80, 600), run(' ', 100, 600), run('6,472', 190, 600), run('508', 300, 600)]),
    ).toBe('Total\t6,472\t508');
    // A word space, even a stretched one, stays a space.
    expect(layoutPageText([run('Net', 80, 600), run('income', 100, 600), run('rose', 133, 600)])).toBe(
      'Net income rose',
    );
  });

  it("joins a header's cells that wrap over lines column by column, and leaves its rows alone", () => {
    // Drawn cell by cell, as producers do: each cell's lines, then back up for the next cell.
    const runs = [
      run('Country', 80, 680),
      run('Total sales', 190, 680),
      run('Income Tax', 300, 680, true),
      run('accrued (M€)', 300, 670, true),
      run('Income Tax', 420, 680, true),
      run('paid (M€)', 420, 670, true),
      run('Spain', 80, 640),
      run('2,673', 190, 640),
      run('51', 300, 640),
      run('-0.7', 420, 640, true),
      run('Total', 80, 620),
      run('6,472', 190, 620),
      run('97', 300, 620),
      run('44.5', 420, 620, true),
    ];
    expect(lines(layoutPageText(runs))).toEqual([
      'Country\tTotal sales\tIncome Tax accrued (M€)\tIncome Tax paid (M€)',
      'Spain\t2,673\t51\t-0.7',
      'Total\t6,472\t97\t44.5',
    ]);
  });

  it('keeps lines that go back up but head no table (a formula, a note beside text) as they are', () => {
    const runs = [
      run('Let', 80, 680),
      run('n', 190, 680),
      run('sum', 300, 680, true),
      run('i=1', 300, 670, true),
      run('x', 420, 680, true),
      run('and so the sum is finite.', 80, 640, true),
    ];
    expect(lines(layoutPageText(runs))).toEqual(['Let\tn\tsum', 'i=1', 'x', 'and so the sum is finite.']);
  });
});

/** A page with a table whose header cells wrap, drawn cell by cell, as a report's producer draws it. */
async function tablePage(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const page = doc.addPage([842, 595]);
  const text = (value: string, x: number, y: number): void => page.drawText(value, { x, y, size: 8, font });
  text('Tax jurisdiction', 60, 500);
  text('Total sales (M€)', 180, 500);
  text('Corporate Income', 300, 500);
  text('Tax accrued (M€)', 300, 490);
  text('Employees at the', 420, 500);
  text('close of 2020', 420, 490);
  [
    ['Spain', '2,673', '51', '20,860'],
    ['Total', '6,472', '97', '38,355'],
  ].forEach((cells, row) => cells.forEach((cell, i) => text(cell, [60, 180, 300, 420][i]!, 460 - row * 20)));
  return doc.save();
}

describe('extractPdfText: a table whose header wraps', () => {
  it("reads the header's column names whole and each row's cells apart", async () => {
    const pdf = await extractPdfText(await tablePage(), { selectPages: every });
    // The page's form feed (pdftotext's page mark) aside.
    expect(lines(pdf.text.replace(/\f/gu, ''))).toEqual([
      'Tax jurisdiction\tTotal sales (M€)\tCorporate Income Tax accrued (M€)\tEmployees at the close of 2020',
      'Spain\t2,673\t51\t20,860',
      'Total\t6,472\t97\t38,355',
    ]);
  });
});
