import { PDFDocument, StandardFonts } from 'pdf-lib';

/**
 * A real PDF with the given pages, each a list of text lines, for tests that need
 * documents whose text they know.
 */
export async function makePdf(pages: readonly (readonly string[])[]): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (const lines of pages) {
    const page = doc.addPage([612, 792]);
    lines.forEach((line, i) => page.drawText(line, { x: 50, y: 740 - i * 18, size: 12, font }));
  }
  return doc.save();
}
