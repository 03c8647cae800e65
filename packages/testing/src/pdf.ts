import { PDFDocument, PDFName, StandardFonts } from 'pdf-lib';

/** How `makePdf` writes its pages. */
export interface MakePdfOptions {
  /**
   * Each line in a (Flate-compressed) content stream of its own, the page's `/Contents` an
   * array of them, as many producers write pages; default one stream per page.
   */
  streamPerLine?: boolean;
}

/**
 * A real PDF with the given pages, each a list of text lines, for tests that need
 * documents whose text they know.
 */
export async function makePdf(
  pages: readonly (readonly string[])[],
  options: MakePdfOptions = {},
): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (const lines of pages) {
    const page = doc.addPage([612, 792]);
    lines.forEach((line, i) => {
      // Starts a new content stream for what is drawn next.
      if (options.streamPerLine === true) page.resetPosition();
      page.drawText(line, { x: 50, y: 740 - i * 18, size: 12, font });
    });
  }
  return doc.save();
}

/** What `makeTextBombPdf` builds: how many pages, and how much text each page shows. */
export interface TextBombOptions {
  pages: number;
  /** Characters of text each page shows (its content stream inflates to a little more). */
  textCharsPerPage: number;
  /** The sentence repeated to fill each page. */
  sentence?: string;
}

/**
 * A decompression bomb of text: a PDF of a few kilobytes whose pages all share one
 * Flate-compressed content stream, which inflates to `textCharsPerPage` characters of
 * text on every page (100 pages of 1 MiB each make about 20 KB that read as 100 MiB).
 */
export async function makeTextBombPdf({
  pages,
  textCharsPerPage,
  sentence = 'Revenue grew 15% to $10.5 million in the third quarter. ',
}: TextBombOptions): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  // Lines of about 1,000 characters, each a text-showing operator on a line of its own.
  const line = sentence.repeat(Math.max(1, Math.floor(1_000 / sentence.length)));
  const operators: string[] = ['BT /F1 0.01 Tf 50 750 Td 0.012 TL'];
  for (let shown = 0; shown < textCharsPerPage; shown += line.length) operators.push(`(${line}) '`);
  operators.push('ET');
  const contents = doc.context.register(doc.context.flateStream(operators.join('\n')));
  for (let i = 0; i < pages; i++) {
    const page = doc.addPage([612, 792]);
    page.node.setFontDictionary(PDFName.of('F1'), font.ref);
    page.node.set(PDFName.of('Contents'), contents);
  }
  return doc.save();
}
