import type { PDFPageProxy } from 'pdfjs-dist';
import { z } from 'zod';
import { ToolError } from '../../tool-error';
import { MAX_OCR_PAGE_MS, MAX_OCR_PAGES } from './ocr-limits';
import { renderPageImage } from './render-page';
import { openTesseract } from './tesseract-reader';
import type { TesseractReader } from './tesseract-reader';

/** Which pages pdf_extractor reads by OCR: those without text (`auto`), every page (`always`) or none (`never`). */
export const OcrMode = z.enum(['auto', 'always', 'never']);
export type OcrMode = z.infer<typeof OcrMode>;

/** How `PageOcr` reads pages. */
export interface PageOcrOptions {
  /** `auto` or `always` (`never` makes no PageOcr). */
  mode: Exclude<OcrMode, 'never'>;
  /** Called as a page's OCR starts ("OCR page 3 of 12"). */
  onPage?(page: number, pageCount: number): void;
  /** The most pages read by OCR; default `MAX_OCR_PAGES`. */
  maxPages?: number;
  /** The longest one page's OCR may take, in ms; default `MAX_OCR_PAGE_MS`. */
  maxPageMs?: number;
  /** Starts the OCR engine; default Tesseract (`openTesseract`). */
  openReader?(): Promise<TesseractReader>;
}

/**
 * Reads pages by OCR, one at a time: pdf.js renders the page (`renderPageImage`), Tesseract
 * reads the image. Tesseract starts on the first page that needs it (a document with text
 * never loads it) and stays for the next; `close()` ends it. Any failure is a ToolError
 * naming the page; more than `MAX_OCR_PAGES` pages is RESOURCE_LIMIT_EXCEEDED.
 */
export class PageOcr {
  private reader: Promise<TesseractReader> | undefined;
  /** The pages read by OCR so far, in order. */
  readonly pages: number[] = [];

  constructor(private readonly options: PageOcrOptions) {}

  /** Whether a page whose text layer gave `body` is read by OCR instead. */
  wants(body: string): boolean {
    return this.options.mode === 'always' || body.trim().length === 0;
  }

  /** The page's text as Tesseract reads its image (lines; blocks separated by a blank line), trimmed. */
  async read(page: PDFPageProxy, pageCount: number): Promise<string> {
    const pageNumber = page.pageNumber;
    const maxPages = this.options.maxPages ?? MAX_OCR_PAGES;
    if (this.pages.length >= maxPages) {
      throw new ToolError('RESOURCE_LIMIT_EXCEEDED', ocrPageLimitMessage(pageNumber, pageCount, maxPages));
    }
    this.options.onPage?.(pageNumber, pageCount);
    const limitMs = this.options.maxPageMs ?? MAX_OCR_PAGE_MS;
    let timer: NodeJS.Timeout | undefined;
    const overTime = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`it took over ${limitMs / 1000} s`)), limitMs);
    });
    try {
      const text = await Promise.race([this.readPage(page), overTime]);
      this.pages.push(pageNumber);
      return tidy(text);
    } catch (err) {
      if (err instanceof ToolError) throw err;
      // The engine may be stuck or gone: a next page (or run) starts a new one.
      await this.close();
      throw new ToolError('PDF_OCR_FAILED', ocrFailedMessage(pageNumber, err), { cause: err });
    } finally {
      clearTimeout(timer);
    }
  }

  private async readPage(page: PDFPageProxy): Promise<string> {
    this.reader ??= (this.options.openReader ?? openTesseract)();
    const reader = await this.reader;
    const image = await renderPageImage(page);
    return reader.read(image.png, image.dpi);
  }

  /** Ends Tesseract's thread, if it was started. */
  async close(): Promise<void> {
    const reader = this.reader;
    this.reader = undefined;
    if (reader !== undefined) await reader.then((r) => r.close()).catch(() => undefined);
  }
}

/** The failure of a run that needs OCR on more than `MAX_OCR_PAGES` pages, with the remedy. */
export function ocrPageLimitMessage(page: number, pageCount: number, maxPages = MAX_OCR_PAGES): string {
  return (
    `Failed to process PDF: reading page ${page} of ${pageCount} by OCR would pass the limit of ${maxPages} ` +
    `pages read by OCR in one step; read the document in parts with extraction_mode 'pages' (e.g. pages: "1-${maxPages}")`
  );
}

function ocrFailedMessage(page: number, err: unknown): string {
  const cause = err instanceof Error ? err.message : String(err);
  return (
    `Failed to process PDF: OCR failed on page ${page} (${cause}); run with ocr: never to get the text of the ` +
    "pages that have a text layer, or leave the page out with extraction_mode 'pages'"
  );
}

/** Tesseract ends lines with spaces now and then and the text with a form feed or blank lines. */
function tidy(text: string): string {
  return text
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
