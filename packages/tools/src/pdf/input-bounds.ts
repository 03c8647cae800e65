import { ToolError } from '../tool-error';
import type { PageOcr } from './ocr/page-ocr';

type PageReader = Pick<PageOcr, 'wants' | 'read'>;

/*
 * Bounds on the work one pdf_extractor run makes pdf.js do, whatever the file claims: a file
 * of a few kilobytes can inflate to gigabytes (a decompression bomb), draw images of
 * billions of pixels, or hold more pages than anyone reads in one step. Past a bound the
 * step fails for good with RESOURCE_LIMIT_EXCEEDED naming it; the thread's heap limit
 * (PDF_EXTRACTOR_MEMORY_MIB) stays the last line, but decoded streams are ArrayBuffers,
 * outside V8's heap and its limit, hence a bound of their own.
 */

const MIB = 2 ** 20;

/**
 * The most bytes one stream of the document may inflate to (a content stream, a font, an
 * image's data). A dense page's content is a few megabytes; a 600 dpi A4 RGB scan 104 MB.
 */
export const MAX_DECODED_STREAM_BYTES = 128 * MIB;

/**
 * The most bytes of decode buffers pdf.js may allocate while it reads one page (at least
 * what its streams inflate to, at most twice that: buffers grow by doubling). A page's
 * streams are held until the page is done, so this bounds the memory of decoding.
 */
export const MAX_DECODED_PAGE_BYTES = 256 * MIB;

/**
 * The most bytes of decode buffers pdf.js may allocate while one run reads its document, as
 * above: it bounds the work of decoding (JavaScript inflates about 25 MB/s on a loaded
 * machine). The corpus's 117-page book allocates 9 MiB, so 10,000 such pages about 750 MiB.
 */
export const MAX_DECODED_DOCUMENT_BYTES = 2048 * MIB;

/**
 * The largest image pdf.js draws when a page is rendered for OCR, in pixels (pdf.js
 * `maxImageSize`: a larger one is left out of the render, undecoded). A 600 dpi A4 page is
 * 35 million. Text extraction never decodes images.
 */
export const MAX_IMAGE_PIXELS = 50_000_000;

/** The most pages one run reads: more fail before any is read, naming the `pages` option as the remedy. */
export const MAX_PDF_PAGES = 10_000;

/**
 * The longest the text of the pages read may take, OCR aside (which has its own bounds,
 * ocr/ocr-limits.ts): checked after each page. The corpus's 1,429-page report takes 7 s on
 * a loaded machine; one page's own work is bounded by the decode bounds above.
 */
export const MAX_TEXT_EXTRACTION_MS = 120_000;

/** How `DecodeBudget` bounds decoding; the defaults are the constants above. */
export interface DecodeLimits {
  streamBytes: number;
  pageBytes: number;
  documentBytes: number;
}

// The hook patches/pdfjs-dist@*.patch adds to pdf.js's DecodeStream.ensureBuffer (the one
// place every JavaScript decoder grows its output: Flate, LZW, ASCII85, RunLength, ...) and
// to its native DecompressionStream path: called with the stream's decoded length so far and
// the bytes about to be allocated, before they are; it throws to stop the decoding.
const GUARD = Symbol.for('ordo.pdfjs.decodeGuard');

const active = new Set<DecodeBudget>();

/**
 * The decoding one document may cost. While a budget is active (`withDecodeBudget`), every
 * stream pdf.js decodes in this thread is charged to it; the first stream past a bound is
 * stopped there (pdf.js throws), and the budget remembers why. pdf.js may swallow that error
 * (it reads a page's content on past a broken stream), so the reader asks the budget
 * (`check`) after each page and on any failure. A tool thread reads one document at a time;
 * documents read at once in one thread (tests) are each charged for all.
 */
export class DecodeBudget {
  /** Decode-buffer bytes allocated so far. */
  spent = 0;
  /** Of which since the page began (`startPage`). */
  private pageSpent = 0;
  /** Where reading is (e.g. "page 3"), for the message. */
  private where = 'opening the document';
  private exceeded: string | undefined;

  constructor(
    private readonly fileName: string,
    private readonly limits: DecodeLimits = {
      streamBytes: MAX_DECODED_STREAM_BYTES,
      pageBytes: MAX_DECODED_PAGE_BYTES,
      documentBytes: MAX_DECODED_DOCUMENT_BYTES,
    },
  ) {}

  /** A page's reading begins: its streams are charged to it too. */
  startPage(page: number): void {
    this.where = `page ${page}`;
    this.pageSpent = 0;
  }

  /** Charges a decode buffer's growth; throws once a bound is passed. */
  charge(streamLength: number, allocating: number): void {
    if (this.exceeded === undefined) {
      this.spent += allocating;
      this.pageSpent += allocating;
      if (streamLength > this.limits.streamBytes) {
        this.exceeded =
          `a stream (${this.where}) inflates to more than ${mib(this.limits.streamBytes)}, ` +
          'the limit per stream (a decompression bomb, or data far larger than a document needs)';
      } else if (this.pageSpent > this.limits.pageBytes) {
        this.exceeded = `the streams of ${this.where} inflate to more than ${mib(this.limits.pageBytes)}, the limit per page`;
      } else if (this.spent > this.limits.documentBytes) {
        this.exceeded =
          `its streams inflate to more than ${mib(this.limits.documentBytes)} in all (reached at ${this.where}), ` +
          'the limit per document';
      }
    }
    if (this.exceeded !== undefined) throw new Error(`Decoding stopped: ${this.exceeded}`);
  }

  /** Throws RESOURCE_LIMIT_EXCEEDED, naming the file and the bound, if a stream went past one. */
  check(): void {
    if (this.exceeded === undefined) return;
    throw new ToolError(
      'RESOURCE_LIMIT_EXCEEDED',
      `Failed to process PDF: file '${this.fileName}' was not read: ${this.exceeded}`,
    );
  }
}

/** Runs `work` with `budget` charged for every stream pdf.js decodes meanwhile. */
export async function withDecodeBudget<T>(budget: DecodeBudget, work: () => Promise<T>): Promise<T> {
  (globalThis as Record<symbol, unknown>)[GUARD] ??= chargeActive;
  active.add(budget);
  try {
    return await work();
  } finally {
    active.delete(budget);
  }
}

function chargeActive(streamLength: number, allocating: number): void {
  for (const budget of active) budget.charge(streamLength, allocating);
}

/** The failure of a document with more pages to read than `MAX_PDF_PAGES`. */
export function tooManyPagesError(fileName: string, pages: number, max = MAX_PDF_PAGES): ToolError {
  return new ToolError(
    'RESOURCE_LIMIT_EXCEEDED',
    `Failed to process PDF: file '${fileName}' has ${pages} pages to read, over the limit of ${max} per step; ` +
      `read it in parts with extraction_mode 'pages' (e.g. pages: "1-${max}")`,
  );
}

/** The failure of a document whose text takes longer than `MAX_TEXT_EXTRACTION_MS` to read. */
export function tooSlowError(fileName: string, page: number, pageCount: number, maxMs: number): ToolError {
  return new ToolError(
    'RESOURCE_LIMIT_EXCEEDED',
    `Failed to process PDF: reading the text of file '${fileName}' took over ${maxMs / 1000} s, the limit ` +
      `(stopped after page ${page} of ${pageCount}); read it in parts with extraction_mode 'pages'`,
  );
}

/** Bounds a reading may lower (tests); each defaults to its constant above. */
export interface ReadingLimits extends DecodeLimits {
  maxPages: number;
  maxTextMs: number;
}

/**
 * The bounds of one document's reading, as `extractPdfText` applies them: `run` around the
 * whole reading, `selected` once the pages to read are known, `page` before each page and
 * `pageDone` after it; `failed` turns an error pdf.js threw because of a bound into its
 * RESOURCE_LIMIT_EXCEEDED.
 */
export class ReadingBounds {
  private readonly limits: ReadingLimits;
  private readonly budget: DecodeBudget;
  private textMs = 0;
  private pageStarted = 0;
  private ocrMs = 0;

  constructor(
    private readonly fileName: string,
    limits: Partial<ReadingLimits> = {},
  ) {
    this.limits = {
      streamBytes: MAX_DECODED_STREAM_BYTES,
      pageBytes: MAX_DECODED_PAGE_BYTES,
      documentBytes: MAX_DECODED_DOCUMENT_BYTES,
      maxPages: MAX_PDF_PAGES,
      maxTextMs: MAX_TEXT_EXTRACTION_MS,
      ...limits,
    };
    this.budget = new DecodeBudget(fileName, this.limits);
  }

  /** Runs the reading with its streams charged to this document's budget. */
  run<T>(work: () => Promise<T>): Promise<T> {
    return withDecodeBudget(this.budget, work);
  }

  /** Fails before any page is read when there are more than `maxPages` to read. */
  selected(pages: number): void {
    this.budget.check();
    if (pages > this.limits.maxPages) throw tooManyPagesError(this.fileName, pages, this.limits.maxPages);
  }

  /** Before a page is read. */
  page(page: number): void {
    this.budget.startPage(page);
    this.pageStarted = performance.now();
  }

  /** After a page: fails if a stream of it went past a bound, or the text has taken too long (OCR's time aside). */
  pageDone(page: number, pageCount: number): void {
    this.budget.check();
    this.textMs += performance.now() - this.pageStarted - this.ocrMs;
    this.ocrMs = 0;
    if (this.textMs > this.limits.maxTextMs) throw tooSlowError(this.fileName, page, pageCount, this.limits.maxTextMs);
  }

  /** `ocr` with its time left out of the text's (OCR has bounds of its own, ocr/ocr-limits.ts). */
  untimedOcr(ocr: PageReader): PageReader {
    return {
      wants: (body) => ocr.wants(body),
      read: async (page, pageCount) => {
        const started = performance.now();
        try {
          return await ocr.read(page, pageCount);
        } finally {
          this.ocrMs += performance.now() - started;
        }
      },
    };
  }

  /** The bound's failure if decoding stopped at one (pdf.js then threw its own error), else `err`. */
  failed(err: unknown): unknown {
    try {
      this.budget.check();
    } catch (bound) {
      return bound;
    }
    return err;
  }

  /** Decode-buffer bytes allocated so far (for measurements). */
  get decodedBytes(): number {
    return this.budget.spent;
  }
}

function mib(bytes: number): string {
  return `${Math.round(bytes / MIB)} MiB`;
}
