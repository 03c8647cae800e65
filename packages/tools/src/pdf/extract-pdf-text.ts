import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { PDFDocumentProxy } from 'pdfjs-dist';
import type * as Pdfjs from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { TextItem, TextMarkedContent } from 'pdfjs-dist/types/src/display/api';
import { ToolError } from '../tool-error';
import { layoutPageText } from './text-layout';
import type { TextRun } from './text-layout';

export type ExtractionMode = 'full' | 'first_page';

export interface PdfText {
  /** The pages' text, pages separated by a blank line; pages without text are left out. */
  text: string;
  /** Pages in the document, whichever pages were read. */
  pageCount: number;
}

export interface ExtractOptions {
  mode: ExtractionMode;
  /** Called before each page is read (1-based), e.g. to heartbeat. */
  onPage?: (page: number, pages: number) => void;
}

/**
 * Extracts the text of a PDF with pdf.js. Throws PDF_PASSWORD_PROTECTED for an encrypted
 * file and PDF_INVALID when pdf.js cannot parse it.
 */
export async function extractPdfText(bytes: Uint8Array, options: ExtractOptions): Promise<PdfText> {
  const pdfjs = await loadPdfjs();
  const assets = pdfjsAssetDirs();
  const task = pdfjs.getDocument({
    // pdf.js takes ownership of the buffer it is given and refuses a Node Buffer: pass a copy.
    data: new Uint8Array(bytes),
    useSystemFonts: true,
    isEvalSupported: false,
    disableFontFace: true,
    useWorkerFetch: false,
    // Non-embedded Symbol/ZapfDingbats and CJK fonts need these to map glyphs to text.
    standardFontDataUrl: assets.standardFonts,
    cMapUrl: assets.cMaps,
    cMapPacked: true,
    wasmUrl: assets.wasm,
    // pdf.js logs recoverable oddities of real-world PDFs as warnings; they are noise here.
    verbosity: pdfjs.VerbosityLevel.ERRORS,
  });
  try {
    const doc = await readingPdf(task.promise);
    const pages = options.mode === 'first_page' ? Math.min(1, doc.numPages) : doc.numPages;
    const texts: string[] = [];
    for (let page = 1; page <= pages; page++) {
      options.onPage?.(page, pages);
      texts.push(await readingPdf(pageText(doc, page)));
    }
    return { text: texts.filter((t) => t.length > 0).join('\n\n'), pageCount: doc.numPages };
  } finally {
    // Destroying the task destroys the document too, and also cleans up when loading failed.
    await task.destroy();
  }
}

async function pageText(doc: PDFDocumentProxy, pageNumber: number): Promise<string> {
  const page = await doc.getPage(pageNumber);
  try {
    const content = await page.getTextContent();
    return layoutPageText(content.items.filter(isTextItem).map(toTextRun));
  } finally {
    page.cleanup();
  }
}

function isTextItem(item: TextItem | TextMarkedContent): item is TextItem {
  return 'str' in item;
}

function toTextRun(item: TextItem): TextRun {
  return {
    text: item.str,
    x: Number(item.transform[4]),
    y: Number(item.transform[5]),
    width: item.width,
    height: item.height,
    endsLine: item.hasEOL,
  };
}

/** Maps what pdf.js says about the document to our codes; other errors stay as they are. */
async function readingPdf<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    const name = pdfjsErrorName(err);
    if (name === 'PasswordException') {
      throw new ToolError('PDF_PASSWORD_PROTECTED', 'Failed to process PDF: File is password protected');
    }
    // UnknownErrorException is how pdf.js's worker reports other parse errors (e.g. a FormatError).
    if (name === 'InvalidPDFException' || name === 'UnknownErrorException') {
      throw new ToolError('PDF_INVALID', `Failed to process PDF: ${(err as Error).message}`);
    }
    throw err;
  }
}

function pdfjsErrorName(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'name' in err && typeof err.name === 'string' ? err.name : undefined;
}

// Loaded on first use: pdf.js is large, and importing @ordo/tools should stay cheap.
async function loadPdfjs(): Promise<typeof Pdfjs> {
  return import('pdfjs-dist/legacy/build/pdf.mjs');
}

/** pdf.js in Node reads these with fs, so they are directory paths ending in a separator. */
function pdfjsAssetDirs(): { standardFonts: string; cMaps: string; wasm: string } {
  const root = dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'));
  const dir = (name: string): string => `${join(root, name)}/`;
  return { standardFonts: dir('standard_fonts'), cMaps: dir('cmaps'), wasm: dir('wasm') };
}
