import type { PDFPageProxy } from 'pdfjs-dist';
import { z } from 'zod';
import { ToolError } from '../../tool-error';
import { pageList } from '../page-ranges';
import { MAX_OCR_PAGE_MS, MAX_OCR_PAGES, MAX_OCR_TOTAL_MS } from './ocr-limits';
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
  /**
   * Called as a page's OCR starts ("OCR page 3 of 12"), with the share of the pages planned
   * for OCR (`plan`) reached once it is read.
   */
  onPage?(page: number, pageCount: number, fraction: number): void;
  /** The most pages read by OCR; default `MAX_OCR_PAGES`. */
  maxPages?: number;
  /** The longest one page's OCR may take, in ms; default `MAX_OCR_PAGE_MS`. */
  maxPageMs?: number;
  /** The longest the whole run's OCR may take, in ms; default `MAX_OCR_TOTAL_MS`. */
  maxTotalMs?: number;
  /** The clock the run's time is read from, in ms; default `performance.now` (a test gives its own). */
  now?: () => number;
  /** Starts the OCR engine; default Tesseract (`openTesseract`). */
  openReader?(): Promise<TesseractReader>;
}

/**
 * Reads pages by OCR, one at a time: pdf.js renders the page (`renderPageImage`), Tesseract
 * reads the image. The reader first learns every page that needs OCR (`wants` on each text
 * layer, then `plan`): more than `MAX_OCR_PAGES` fail there with RESOURCE_LIMIT_EXCEEDED,
 * before any OCR. Tesseract starts on the first page read (a document with text never loads
 * it) and stays for the next; `close()` ends it. Any failure is a ToolError naming the page.
 */
export class PageOcr {
  private reader: Promise<TesseractReader> | undefined;
  /** The pages read by OCR so far, in order. */
  readonly pages: number[] = [];
  /** The most pages read by OCR in one run. */
  readonly maxPages: number;
  /** The pages `plan` accepted. */
  private planned = 0;
  /** When the first page's OCR started (`performance.now()`), once it has. */
  private startedAt: number | undefined;

  constructor(private readonly options: PageOcrOptions) {
    this.maxPages = options.maxPages ?? MAX_OCR_PAGES;
  }

  /** Whether a page whose text layer gave `body` is read by OCR instead. */
  wants(body: string): boolean {
    return this.options.mode === 'always' || body.trim().length === 0;
  }

  /**
   * Accepts `pages`, those of `selected` (the pages read) that `wants` chose, as the ones to
   * read, or throws RESOURCE_LIMIT_EXCEEDED naming their count and the remedy when they are
   * more than `maxPages`: called once the text layers are read, before any OCR.
   */
  plan(pages: readonly number[], selected: readonly number[]): void {
    if (pages.length > this.maxPages) {
      throw new ToolError(
        'RESOURCE_LIMIT_EXCEEDED',
        ocrPageLimitMessage(this.options.mode, pages, selected, this.maxPages),
      );
    }
    this.planned = pages.length;
  }

  /** The page's text as Tesseract reads its image (lines; blocks separated by a blank line), trimmed. */
  async read(page: PDFPageProxy, pageCount: number): Promise<string> {
    const pageNumber = page.pageNumber;
    // `plan` bounds the pages; a reader that skipped it is held to the limit all the same.
    const planned = Math.max(this.planned, this.pages.length + 1);
    if (planned > this.maxPages) {
      throw new ToolError(
        'RESOURCE_LIMIT_EXCEEDED',
        `Failed to process PDF: reading page ${pageNumber} by OCR would pass the limit of ${this.maxPages} pages read by OCR in one step`,
      );
    }
    const totalMs = this.options.maxTotalMs ?? MAX_OCR_TOTAL_MS;
    const now = this.options.now ?? (() => performance.now());
    this.startedAt ??= now();
    const leftMs = totalMs - (now() - this.startedAt);
    if (leftMs <= 0) throw new ToolError('RESOURCE_LIMIT_EXCEEDED', this.overTotalMessage(pageNumber, totalMs));
    this.options.onPage?.(pageNumber, pageCount, (this.pages.length + 1) / planned);
    const pageMs = this.options.maxPageMs ?? MAX_OCR_PAGE_MS;
    // The page's own limit, or what is left of the run's when that is sooner.
    const overall = leftMs < pageMs;
    const limitMs = overall ? leftMs : pageMs;
    let timer: NodeJS.Timeout | undefined;
    const overTime = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            overall
              ? new ToolError('RESOURCE_LIMIT_EXCEEDED', this.overTotalMessage(pageNumber, totalMs))
              : new Error(`it took over ${pageMs / 1000} s`),
          ),
        limitMs,
      );
    });
    try {
      const text = await Promise.race([this.readPage(page), overTime]);
      this.pages.push(pageNumber);
      return tidy(text);
    } catch (err) {
      if (err instanceof ToolError) {
        // Over the run's limit mid-page: the engine is still reading it, and this run reads no more.
        if (overall) await this.close();
        throw err;
      }
      // The engine may be stuck or gone: a next page (or run) starts a new one.
      await this.close();
      throw new ToolError('PDF_OCR_FAILED', ocrFailedMessage(pageNumber, err), { cause: err });
    } finally {
      clearTimeout(timer);
    }
  }

  /** The failure of a run whose OCR passed `totalMs` before or while reading `page`: what was read, and a part that fits. */
  private overTotalMessage(page: number, totalMs: number): string {
    const read = this.pages.length === 0 ? 'no page was read' : `${pageList(this.pages)} read`;
    return (
      `Failed to process PDF: OCR took over ${totalMs / 1000} s, the limit for one step, before page ${page} was read ` +
      `(${read} by OCR); read the document in parts with extraction_mode 'pages', or run with ocr: never ` +
      'to get the text of the pages that have a text layer'
    );
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

/**
 * The failure of a run that needs OCR on more than `maxPages` pages (`ocrPages` of the
 * `selected` pages), with the remedy: a first part of the pages read that needs at most
 * `maxPages` of them, or no OCR.
 */
export function ocrPageLimitMessage(
  mode: Exclude<OcrMode, 'never'>,
  ocrPages: readonly number[],
  selected: readonly number[],
  maxPages = MAX_OCR_PAGES,
): string {
  const first = selected[0] ?? 1;
  // The pages up to the one before the first page past the limit need at most `maxPages`.
  const last = (ocrPages[maxPages] ?? first + maxPages) - 1;
  const part = last > first ? `${first}-${last}` : `${first}`;
  const cause =
    mode === 'always'
      ? `all ${ocrPages.length} pages to read would be read by OCR (ocr: always)`
      : `${ocrPages.length} of the ${selected.length} pages to read have no text layer`;
  const other =
    mode === 'always'
      ? 'with ocr: auto to read by OCR only the pages without a text layer'
      : 'with ocr: never to get the text of the pages that have a text layer';
  return (
    `Failed to process PDF: ${cause}, over the limit of ${maxPages} pages read by OCR in one step; ` +
    `read the document in parts with extraction_mode 'pages' (e.g. pages: "${part}"), or run ${other}`
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
