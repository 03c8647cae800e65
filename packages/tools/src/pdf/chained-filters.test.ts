import { deflateSync } from 'node:zlib';
import { PDFDocument, PDFName, PDFRawStream, StandardFonts } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { memoryFiles } from '../testing-context';
import { runTool } from '../testing/run-tool';
import { pdfExtractor } from './pdf-extractor';

/** A one-page PDF whose content stream is compressed twice: `/Filter [/FlateDecode /FlateDecode]`. */
async function chainedFlatePdf(line: string): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const page = doc.addPage([612, 792]);
  const fontName = page.node.newFontDictionary('F', font.ref);
  const operators = `BT ${fontName.toString()} 12 Tf 50 700 Td (${line}) Tj ET`;
  const data = deflateSync(deflateSync(Buffer.from(operators, 'latin1')));
  const chained = PDFRawStream.of(
    doc.context.obj({ Filter: [PDFName.of('FlateDecode'), PDFName.of('FlateDecode')], Length: data.length }),
    data,
  );
  page.node.set(PDFName.of('Contents'), doc.context.register(chained));
  return doc.save({ useObjectStreams: false });
}

describe('pdf_extractor: a stream with chained filters', () => {
  it(
    'reads a content stream deflated twice in its thread, which has no DecompressionStream',
    { timeout: 60_000 },
    async () => {
      const files = memoryFiles({ file_chained: { bytes: await chainedFlatePdf('Deflated twice, read once') } });
      const outputs = await runTool(
        pdfExtractor,
        { input_file: { file_id: 'file_chained', name: 'chained.pdf' }, ocr: 'never' },
        { files },
      );
      expect(outputs.extracted_text).toBe('Deflated twice, read once\n\f');
    },
  );
});
