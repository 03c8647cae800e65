import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { PDFDocumentProxy } from 'pdfjs-dist';
import type * as Pdfjs from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { TextItem, TextMarkedContent } from 'pdfjs-dist/types/src/display/api';
import { ToolError } from '../tool-error';
import { pdfMetadata } from './pdf-metadata';
import type { PdfMetadata } from './pdf-metadata';
import { annotationLines } from './annotation-text';
import type { PdfAnnotation } from './annotation-text';
import { layoutPageText } from './text-layout';
import type { TextRun } from './text-layout';
import type { PageOcr } from './ocr/page-ocr';
import { MAX_IMAGE_PIXELS, ReadingBounds } from './input-bounds';
import type { ReadingLimits } from './input-bounds';

/** What `extractPdfText` read from a document. */
export interface PdfText {
  /**
   * The text of the pages read, each page's ended by a form feed as pdftotext ends pages
   * (`pageMarked`): the page of any line is one plus the form feeds before it, whichever pages
   * were read or had text. Empty when no page had text.
   */
  text: string;
  /** Pages in the document, whichever pages were read. */
  pageCount: number;
  /** Pages read. */
  pagesRead: number;
  /** The pages read whose content has no text (a scanned image, a blank page), in order, whether OCR read them or not. */
  pagesWithoutText: number[];
  metadata: PdfMetadata;
}

/** How `extractPdfText` reads a document. */
export interface ExtractOptions {
  /**
   * The 1-based pages to read, in increasing order (the page marks count on it), given the
   * document's page count. It may throw
   * (e.g. a ToolError for a page list beyond the document) to stop before any page is read.
   */
  selectPages(pageCount: number): readonly number[];
  /** Called before each page is read, with the share of the selected pages reached once it is read. */
  onPage?(page: number, pageCount: number, fraction: number): void;
  /**
   * Checked before each page and between a page's pdf.js calls: once aborted, nothing more is
   * read and its reason is thrown (in a tool thread, how a cancel stops the run without
   * terminating the thread: ToolThreads).
   */
  signal?: AbortSignal;
  /**
   * The most text to read, in characters: the page that takes the text past it stops the
   * reading with a ToolError TEXT_TOO_LARGE (a few kilobytes of compressed content can
   * inflate to megabytes of text per page).
   */
  maxTextChars?: number;
  /**
   * Adds each page's filled form-field values and annotation texts after its body text, as
   * marked lines (`annotationLines`). Off by default here; pdf_extractor turns it on.
   */
  includeAnnotations?: boolean;
  /**
   * Reads the pages it wants by OCR (`ocr/page-ocr.ts`), its text replacing theirs. Without it,
   * no page is. Every page's text layer is read first; `plan` then gets the pages it wants
   * (and may throw, e.g. past its page limit), and only then are they read by OCR, in order.
   */
  ocr?: Pick<PageOcr, 'wants' | 'plan' | 'read' | 'maxPages'>;
  /** The file's name, for messages; default 'document.pdf'. */
  fileName?: string;
  /** Lowers the bounds of `input-bounds.ts` (tests); each defaults to its constant. */
  limits?: Partial<ReadingLimits>;
}

// pdf.js keeps parsed fonts and resources of every page it has seen until told otherwise;
// clearing them every so many pages keeps a 1,400-page document's memory flat.
const CLEANUP_EVERY_PAGES = 100;

/**
 * Extracts the text and metadata of a PDF with pdf.js, page by page. Throws a ToolError
 * PDF_PASSWORD_PROTECTED for an encrypted file, PDF_INVALID when pdf.js cannot parse it,
 * TEXT_TOO_LARGE past `maxTextChars`, and RESOURCE_LIMIT_EXCEEDED past a bound of
 * `input-bounds.ts` (decoded bytes, pages, time).
 */
export async function extractPdfText(bytes: Uint8Array, options: ExtractOptions): Promise<PdfText> {
  const fileName = options.fileName ?? 'document.pdf';
  const bounds = new ReadingBounds(fileName, options.limits);
  return bounds.run(() =>
    readPdf(bytes, options, fileName, bounds).catch((err: unknown) => {
      throw bounds.failed(err);
    }),
  );
}

async function readPdf(
  bytes: Uint8Array,
  options: ExtractOptions,
  fileName: string,
  bounds: ReadingBounds,
): Promise<PdfText> {
  const pdfjs = await loadPdfjs();
  const assets = pdfjsAssetDirs();
  const task = pdfjs.getDocument({
    // pdf.js takes ownership of the buffer it is given and refuses a Node Buffer: pass a copy.
    data: new Uint8Array(bytes),
    useSystemFonts: true,
    // No code from the file, or made from it, ever runs: no eval (PostScript functions and
    // fonts are interpreted), no XFA, and the document's JavaScript is never read (only a
    // viewer's scripting sandbox runs it, which this is not).
    isEvalSupported: false,
    enableXfa: false,
    // Images larger than this are left out of a render (OCR) undecoded; text never decodes them.
    maxImageSize: MAX_IMAGE_PIXELS,
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
    const doc = await readingPdf(task.promise, fileName);
    const pages = options.selectPages(doc.numPages);
    bounds.selected(pages.length);
    const ocr = options.ocr && bounds.untimedOcr(options.ocr);
    const metadata = pdfMetadata(await readingPdf(doc.getMetadata(), fileName), (value) =>
      pdfjs.PDFDateString.toDateObject(value),
    );
    // First pass: every page's text layer (cheap: no image is decoded), keeping only text and
    // the pages OCR wants, so that a run needing more OCR than it may do fails before any.
    const layers: PageTexts[] = [];
    const pagesWithoutText: number[] = [];
    const ocrPages: number[] = [];
    const ocrMax = options.ocr?.maxPages ?? Infinity;
    // A lower bound of the text's length (OCR's text is not known yet), checked as pages are read.
    const known = new TextLength(options.maxTextChars, doc.numPages);
    for (const [index, page] of pages.entries()) {
      options.signal?.throwIfAborted();
      options.onPage?.(page, doc.numPages, (index + 1) / pages.length);
      bounds.page(page);
      const { layer, extras } = await readingPdf(
        pageLayer(doc, page, options.includeAnnotations === true, options.signal),
        fileName,
      );
      bounds.pageDone(page, doc.numPages);
      if (layer.length === 0) pagesWithoutText.push(page);
      const wanted = ocr?.wants(layer) === true;
      if (wanted) ocrPages.push(page);
      // Past the OCR limit the run fails once the count is known: no need to keep those layers.
      layers.push({ body: wanted && ocrPages.length > ocrMax ? '' : layer, extras });
      known.add(pageText(wanted ? '' : layer, extras), page);
      if ((index + 1) % CLEANUP_EVERY_PAGES === 0) await doc.cleanup();
    }
    if (options.ocr !== undefined && ocr !== undefined) {
      options.ocr.plan(ocrPages, pages);
      // Second pass: OCR of the pages that want it, one page object at a time.
      for (const page of ocrPages) {
        options.signal?.throwIfAborted();
        bounds.page(page);
        const text = await readingPdf(ocrPage(doc, page, ocr), fileName);
        bounds.pageDone(page, doc.numPages);
        // OCR that finds nothing (a blank image, or `always` on a page it cannot read) keeps the layer's text.
        if (text !== '') layers[pages.indexOf(page)]!.body = text;
      }
    }
    const texts: string[] = [];
    const length = new TextLength(options.maxTextChars, doc.numPages);
    let previous = 0;
    for (const [index, { body, extras }] of layers.entries()) {
      const text = pageText(body, extras);
      const page = pages[index]!;
      length.add(text, page);
      if (text.length === 0) continue;
      texts.push(pageMarked(text, previous, page));
      previous = page;
    }
    return {
      text: texts.join(''),
      pageCount: doc.numPages,
      pagesRead: pages.length,
      pagesWithoutText,
      metadata,
    };
  } finally {
    // Destroying the task destroys the document too, and also cleans up when loading failed.
    await task.destroy();
  }
}

/** One page's text as the first pass read it: its body (the text layer, later OCR's text) and its extras. */
interface PageTexts {
  body: string;
  extras: string[];
}

/** A page's text as it goes into the document's: its body, then its form-field and annotation lines. */
function pageText(body: string, extras: readonly string[]): string {
  return [body, ...(extras.length > 0 ? [extras.join('\n')] : [])].filter((t) => t !== '').join('\n\n');
}

/**
 * A page's text as it goes into the document's, the last text being `previous`'s (0: none yet),
 * marked as pdftotext marks pages: its last line ends with a form feed ("…\n\f"), and each page
 * between (without text, or not read, like pages before the first read) is a form feed alone,
 * so that every page counts. Pages read out of order (never by pdf_extractor) are not numbered
 * by their marks.
 */
function pageMarked(text: string, previous: number, page: number): string {
  return `${'\f'.repeat(pagesBetween(previous, page))}${text}${PAGE_END}`;
}

const PAGE_END = '\n\f';

function pagesBetween(previous: number, page: number): number {
  return Math.max(0, page - previous - 1);
}

/** The length of the pages' texts as joined (`pageMarked`), held to `maxTextChars`. */
class TextLength {
  private length = 0;
  private previous = 0;

  constructor(
    private readonly maxTextChars: number | undefined,
    private readonly pageCount: number,
  ) {}

  /** Adds a page's text (nothing if it is empty); throws TEXT_TOO_LARGE once the text passes the limit. */
  add(text: string, page: number): void {
    if (text.length === 0) return;
    this.length += pagesBetween(this.previous, page) + text.length + PAGE_END.length;
    this.previous = page;
    if (this.maxTextChars !== undefined && this.length > this.maxTextChars) {
      throw new ToolError(
        'TEXT_TOO_LARGE',
        `Failed to process PDF: its text is over the limit of ${this.maxTextChars} characters (passed on page ${page} of ${this.pageCount})`,
      );
    }
  }
}

/** A page's text layer and its form-field and annotation lines. */
async function pageLayer(
  doc: PDFDocumentProxy,
  pageNumber: number,
  withAnnotations: boolean,
  signal: AbortSignal | undefined,
): Promise<{ layer: string; extras: string[] }> {
  const page = await doc.getPage(pageNumber);
  try {
    const content = await page.getTextContent();
    const runs = content.items.filter(isTextItem).map(toTextRun);
    const layer = layoutPageText(runs);
    if (!withAnnotations) return { layer, extras: [] };
    signal?.throwIfAborted();
    // 'display': the annotations a viewer shows (not those flagged hidden or print-only).
    const annotations = (await page.getAnnotations({ intent: 'display' })) as PdfAnnotation[];
    return { layer, extras: annotationLines(annotations, runs) };
  } finally {
    // Drops the page's parsed resources: only its text is kept.
    page.cleanup();
  }
}

/** What OCR reads on a page, its page object dropped afterwards. */
async function ocrPage(doc: PDFDocumentProxy, pageNumber: number, ocr: Pick<PageOcr, 'read'>): Promise<string> {
  const page = await doc.getPage(pageNumber);
  try {
    return await ocr.read(page, doc.numPages);
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

// What pdf.js throws for a file it cannot read as a PDF: its own exception classes, and
// UnknownErrorException wrapping a parser error (e.g. a FormatError) from its worker.
const INVALID_PDF_ERRORS = new Set([
  'InvalidPDFException',
  'UnknownErrorException',
  'FormatError',
  'XRefParseException',
]);

/** Maps what pdf.js says about the document to our codes; other errors stay as they are. */
async function readingPdf<T>(work: Promise<T>, fileName: string): Promise<T> {
  try {
    return await work;
  } catch (err) {
    const name = pdfjsErrorName(err);
    if (name === 'PasswordException') {
      throw new ToolError('PDF_PASSWORD_PROTECTED', 'Failed to process PDF: File is password protected', {
        cause: err,
      });
    }
    if (name !== undefined && INVALID_PDF_ERRORS.has(name)) {
      throw new ToolError(
        'PDF_INVALID',
        `Failed to process PDF: file '${fileName}' is corrupt or not a valid PDF (${(err as Error).message})`,
        {
          cause: err,
        },
      );
    }
    throw err;
  }
}

function pdfjsErrorName(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'name' in err && typeof err.name === 'string'
    ? err.name
    : undefined;
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
