import { constants, deflateRawSync, deflateSync } from 'node:zlib';
import { PDFArray, PDFDocument, PDFName, PDFString, StandardFonts } from 'pdf-lib';
import type { PDFRef } from 'pdf-lib';

/*
 * Hostile PDFs for tests of pdf_extractor's bounds, generated so that no such file needs to
 * be committed: a decompression bomb, a document of many pages of large images, bytes that
 * only claim to be a PDF, a PDF carrying JavaScript.
 */

/** What `makeDeflateBombPdf` builds. */
export interface DeflateBombOptions {
  /** Bytes the page's content stream inflates to (zeros, which a content parser skips as white space). */
  inflatedBytes: number;
  /** A line of text drawn before the bomb, so the page has a text layer; default none. */
  text?: string;
  /** Flate applied once (1 GiB from about 1 MB) or twice (1 GiB from about 4 KB); default 1. */
  flateLayers?: 1 | 2;
}

/**
 * A decompression bomb: one page whose content stream is zeros compressed with Flate (once,
 * or twice: `/Filter [/FlateDecode /FlateDecode]`), so a small file inflates to
 * `inflatedBytes`.
 */
export async function makeDeflateBombPdf({
  inflatedBytes,
  text,
  flateLayers = 1,
}: DeflateBombOptions): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const page = doc.addPage([612, 792]);
  if (text !== undefined) page.drawText(text, { x: 50, y: 740, size: 12, font });
  const once = deflateZeros(inflatedBytes);
  const data = flateLayers === 2 ? deflateSync(once, { level: 9 }) : once;
  const bomb = doc.context.stream(data, {
    Filter: flateLayers === 2 ? [PDFName.of('FlateDecode'), PDFName.of('FlateDecode')] : PDFName.of('FlateDecode'),
    Length: data.length,
  });
  const bombRef = doc.context.register(bomb);
  // The text's own stream first (pdf-lib wrote it), then the bomb.
  const contents = page.node.get(PDFName.of('Contents'));
  const streams = PDFArray.withContext(doc.context);
  if (contents instanceof PDFArray) for (let i = 0; i < contents.size(); i++) streams.push(contents.get(i));
  else if (contents !== undefined) streams.push(contents);
  streams.push(bombRef);
  page.node.set(PDFName.of('Contents'), streams);
  return doc.save({ useObjectStreams: false });
}

/**
 * `bytes` zeros as a zlib stream, without ever holding them: one chunk of zeros compressed as
 * raw deflate with a sync flush (no final block, ends on a byte boundary) is repeated, since
 * a deflate stream may be cut into independently compressed runs of blocks; then the last
 * run, finished, and the Adler-32 of the zeros.
 */
function deflateZeros(bytes: number): Buffer {
  const CHUNK = 1 << 20;
  const full = Math.floor(bytes / CHUNK);
  const rest = bytes - full * CHUNK;
  const run = deflateRawSync(Buffer.alloc(CHUNK), { level: 9, finishFlush: constants.Z_SYNC_FLUSH });
  const last = deflateRawSync(Buffer.alloc(rest), { level: 9, finishFlush: constants.Z_FINISH });
  // Adler-32 of n zeros: a stays 1, b adds 1 a byte.
  const adler = Buffer.alloc(4);
  adler.writeUInt32BE((((bytes % 65521) << 16) | 1) >>> 0);
  return Buffer.concat([Buffer.from([0x78, 0xda]), ...Array<Buffer>(full).fill(run), last, adler]);
}

/** What `makeImagePagesPdf` builds. */
export interface ImagePagesOptions {
  pages: number;
  /** The image's size in pixels (RGB, 8 bits): 10,000 × 10,000 decodes to 300 MB. */
  width: number;
  height: number;
}

/**
 * A document of `pages` pages that each draw one large image XObject (shared, Flate of
 * zeros: a black image) over the whole page and have no text: a scan-like file of a few
 * hundred kilobytes whose images decode to `width × height × 3` bytes each time one is drawn.
 */
export async function makeImagePagesPdf({ pages, width, height }: ImagePagesOptions): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const compressed = deflateZeros(width * height * 3);
  const image = doc.context.register(
    doc.context.stream(compressed, {
      Type: 'XObject',
      Subtype: 'Image',
      Width: width,
      Height: height,
      ColorSpace: 'DeviceRGB',
      BitsPerComponent: 8,
      Filter: 'FlateDecode',
      Length: compressed.length,
    }),
  );
  const draw = doc.context.register(doc.context.flateStream('q 612 0 0 792 0 0 cm /Im0 Do Q'));
  for (let i = 0; i < pages; i++) {
    const page = doc.addPage([612, 792]);
    const xobjects = doc.context.obj({ Im0: image });
    page.node.set(PDFName.of('Resources'), doc.context.obj({ XObject: xobjects }));
    page.node.set(PDFName.of('Contents'), draw);
  }
  return doc.save({ useObjectStreams: false });
}

/**
 * Bytes that only claim to be a PDF: a `%PDF-1.7` header, then `size` pseudo-random bytes
 * (the same for the same `seed`).
 */
export function makeFakePdf(size: number, seed = 19): Uint8Array {
  const header = new TextEncoder().encode('%PDF-1.7\n');
  const bytes = new Uint8Array(header.length + size);
  bytes.set(header);
  let state = seed >>> 0 || 1;
  for (let i = header.length; i < bytes.length; i++) {
    // xorshift32: deterministic noise, no dependency.
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    bytes[i] = state & 0xff;
  }
  return bytes;
}

/** What `makeJavaScriptPdf` builds. */
export interface JavaScriptPdfOptions {
  /** The lines of text of its one page. */
  lines: readonly string[];
  /** The script every action carries (a reader that ran it would run this). */
  script: string;
}

/**
 * A one-page PDF that carries `script` everywhere a PDF can: the catalog's `/OpenAction`, a
 * document-level script in the `/Names` `/JavaScript` tree, the page's open action (`/AA /O`),
 * a link annotation whose action is JavaScript, and a text field whose keystroke, format and
 * calculate actions (`/AA /K /F /C`) are JavaScript.
 */
export async function makeJavaScriptPdf({ lines, script }: JavaScriptPdfOptions): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const page = doc.addPage([612, 792]);
  lines.forEach((line, i) => page.drawText(line, { x: 50, y: 740 - i * 18, size: 12, font }));
  const context = doc.context;
  const action = (): PDFRef => context.register(context.obj({ S: 'JavaScript', JS: PDFString.of(script) }));
  doc.catalog.set(PDFName.of('OpenAction'), action());
  doc.catalog.set(
    PDFName.of('Names'),
    context.obj({ JavaScript: context.obj({ Names: [PDFString.of('init'), action()] }) }),
  );
  page.node.set(PDFName.of('AA'), context.obj({ O: action() }));
  const link = context.register(
    context.obj({
      Type: 'Annot',
      Subtype: 'Link',
      Rect: [50, 600, 300, 620],
      Border: [0, 0, 0],
      A: action(),
    }),
  );
  const form = doc.getForm();
  const field = form.createTextField('total');
  field.setText('42');
  field.addToPage(page, { x: 50, y: 500, width: 200, height: 20 });
  const widget = field.acroField.getWidgets()[0]!.dict;
  const fieldActions = context.obj({ K: action(), F: action(), C: action() });
  field.acroField.dict.set(PDFName.of('AA'), fieldActions);
  widget.set(PDFName.of('AA'), fieldActions);
  const annots = page.node.get(PDFName.of('Annots'));
  if (annots instanceof PDFArray) annots.push(link);
  else page.node.set(PDFName.of('Annots'), context.obj([link]));
  return doc.save({ useObjectStreams: false });
}
