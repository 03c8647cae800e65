import {
  PDFDocument,
  PDFHexString,
  PDFName,
  StandardFonts,
  beginText,
  endText,
  moveText,
  setFontAndSize,
  showText,
} from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { extractPdfText } from './extract-pdf-text';
import type { TextRun } from './text-layout';
import { withoutUnmappedGlyphs } from './unmapped-glyphs';

const firstPage = (): number[] => [1];

/** A page with a Helvetica label line, then a line in one of the standard 14 symbol fonts. */
async function standardSymbolFontPage(font: StandardFonts, symbols: string): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const label = await doc.embedFont(StandardFonts.Helvetica);
  const symbolFont = await doc.embedFont(font);
  const page = doc.addPage([612, 792]);
  page.drawText('Symbols:', { x: 50, y: 700, size: 12, font: label });
  // pdf-lib writes the font's own codes (Symbol's, ZapfDingbats') and no ToUnicode map.
  page.drawText(symbols, { x: 50, y: 680, size: 12, font: symbolFont });
  return doc.save();
}

/**
 * A page whose check boxes are drawn in Wingdings, not embedded and without a ToUnicode map
 * (as older office software writes them): codes 0xFE (a ticked box) and 0xA8 (an empty box)
 * before Helvetica words.
 */
async function wingdingsPage(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const label = await doc.embedFont(StandardFonts.Helvetica);
  const page = doc.addPage([612, 792]);
  const descriptor = doc.context.obj({
    Type: 'FontDescriptor',
    FontName: 'Wingdings-Regular',
    Flags: 4, // symbolic
    FontBBox: [0, -200, 1000, 900],
    ItalicAngle: 0,
    Ascent: 900,
    Descent: -200,
    CapHeight: 700,
    StemV: 80,
  });
  const wingdings = doc.context.register(
    doc.context.obj({
      Type: 'Font',
      Subtype: 'TrueType',
      BaseFont: 'Wingdings-Regular',
      FirstChar: 32,
      LastChar: 255,
      Widths: Array.from({ length: 224 }, () => 900),
      FontDescriptor: doc.context.register(descriptor),
    }),
  );
  page.node.setFontDictionary(PDFName.of('Wd'), wingdings);
  const line = (code: string, words: string, y: number): void => {
    page.pushOperators(
      beginText(),
      setFontAndSize('Wd', 12),
      moveText(50, y),
      showText(PDFHexString.of(code)),
      endText(),
    );
    page.drawText(words, { x: 70, y, size: 12, font: label });
  };
  line('FE', 'Agreed', 700);
  line('A8', 'Declined', 680);
  return doc.save();
}

describe('extractPdfText: symbol and dingbat fonts', () => {
  it('reads Symbol text as the Greek letters and maths signs drawn', async () => {
    const pdf = await extractPdfText(await standardSymbolFontPage(StandardFonts.Symbol, 'αβγ Ω ∑ ≤ ≥ ∞ π'), {
      selectPages: firstPage,
    });
    expect(pdf.text).toBe('Symbols:\nαβγ Ω ∑ ≤ ≥ ∞ π\n\f');
  });

  it('reads ZapfDingbats text as the dingbats drawn, not the letters of their codes', async () => {
    // Before the patch: "3 7 l n Ô" (the codes of a19, a23, a71, a73, a160 as Latin-1).
    const pdf = await extractPdfText(await standardSymbolFontPage(StandardFonts.ZapfDingbats, '✓ ✗ ● ■ ➔ ✔'), {
      selectPages: firstPage,
    });
    expect(pdf.text).toBe('Symbols:\n✓ ✗ ● ■ ➔ ✔\n\f');
  });

  it('leaves out the pictures of a Wingdings font it has no characters for, never letters', async () => {
    // Before the patch: "þ Agreed" and "¨ Declined" (the codes read as WinAnsi letters).
    const pdf = await extractPdfText(await wingdingsPage(), { selectPages: firstPage });
    expect(pdf.text).toBe('Agreed\nDeclined\n\f');
  });
});

describe('withoutUnmappedGlyphs', () => {
  const run = (text: string, endsLine = false): TextRun => ({ text, x: 0, y: 0, width: 1, height: 1, endsLine });

  it('drops replacement characters, the space after them and a gap run that follows', () => {
    const runs = [run('\uFFFD'), run(' '), run('Yes \uFFFD\uFFFD No'), run('a\uFFFDb', true), run('plain')];
    expect(withoutUnmappedGlyphs(runs)).toEqual([run(''), run(''), run('Yes No'), run('ab', true), run('plain')]);
  });

  it('keeps a gap after a run whose dropped glyph was not at its end', () => {
    const runs = [run('\uFFFD Yes'), run(' '), run('No')];
    expect(withoutUnmappedGlyphs(runs)).toEqual([run('Yes'), run(' '), run('No')]);
  });
});
