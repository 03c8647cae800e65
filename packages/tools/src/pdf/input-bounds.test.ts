import { describe, expect, it } from 'vitest';
import { ToolError } from '../tool-error';
import { DecodeBudget, MAX_PDF_PAGES, ReadingBounds, withDecodeBudget } from './input-bounds';

const MIB = 2 ** 20;
const limits = { streamBytes: 10 * MIB, pageBytes: 20 * MIB, documentBytes: 30 * MIB };

/** The error `fn` throws. */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  return undefined;
}

describe('DecodeBudget', () => {
  it('stops a stream that inflates past the limit per stream, and says so when checked', () => {
    const budget = new DecodeBudget('bomb.pdf', limits);
    budget.startPage(3);
    budget.charge(8 * MIB, 8 * MIB);
    expect(() => budget.check()).not.toThrow();
    expect(thrown(() => budget.charge(11 * MIB, 8 * MIB))).toBeInstanceOf(Error);
    const err = thrown(() => budget.check()) as ToolError;
    expect(err).toBeInstanceOf(ToolError);
    expect(err.code).toBe('RESOURCE_LIMIT_EXCEEDED');
    expect(err.retryable).toBe(false);
    expect(err.message).toBe(
      "Failed to process PDF: file 'bomb.pdf' was not read: a stream (page 3) inflates to more than 10 MiB, " +
        'the limit per stream (a decompression bomb, or data far larger than a document needs)',
    );
    // Every later stream is stopped too.
    expect(thrown(() => budget.charge(1, 1))).toBeInstanceOf(Error);
  });

  it('bounds the streams of one page together, then the whole document', () => {
    const page = new DecodeBudget('a.pdf', limits);
    page.startPage(1);
    page.charge(9 * MIB, 9 * MIB);
    page.charge(9 * MIB, 9 * MIB);
    expect(thrown(() => page.charge(9 * MIB, 9 * MIB))).toBeInstanceOf(Error);
    expect((thrown(() => page.check()) as Error).message).toContain(
      'the streams of page 1 inflate to more than 20 MiB',
    );

    const doc = new DecodeBudget('b.pdf', limits);
    for (let p = 1; p <= 3; p++) {
      doc.startPage(p);
      doc.charge(9 * MIB, 9 * MIB);
    }
    doc.startPage(4);
    expect(thrown(() => doc.charge(9 * MIB, 9 * MIB))).toBeInstanceOf(Error);
    expect((thrown(() => doc.check()) as Error).message).toContain(
      'its streams inflate to more than 30 MiB in all (reached at page 4), the limit per document',
    );
  });

  it('is charged through the hook pdf.js calls only while its reading runs', async () => {
    const budget = new DecodeBudget('c.pdf', limits);
    const hook = (): ((length: number, allocating: number) => void) =>
      (globalThis as Record<symbol, unknown>)[Symbol.for('ordo.pdfjs.decodeGuard')] as never;
    await withDecodeBudget(budget, () => {
      hook()(MIB, MIB);
      return Promise.resolve();
    });
    hook()(MIB, MIB);
    expect(budget.spent).toBe(MIB);
  });
});

describe('ReadingBounds', () => {
  it(`fails before any page with more than ${MAX_PDF_PAGES} pages to read, naming the remedy`, () => {
    expect(() => new ReadingBounds('long.pdf').selected(MAX_PDF_PAGES)).not.toThrow();
    const err = thrown(() => new ReadingBounds('long.pdf').selected(MAX_PDF_PAGES + 1)) as ToolError;
    expect(err.code).toBe('RESOURCE_LIMIT_EXCEEDED');
    expect(err.message).toBe(
      `Failed to process PDF: file 'long.pdf' has ${MAX_PDF_PAGES + 1} pages to read, over the limit of ${MAX_PDF_PAGES} ` +
        `per step; read it in parts with extraction_mode 'pages' (e.g. pages: "1-${MAX_PDF_PAGES}")`,
    );
  });

  it('fails after the page that takes the text past its time, OCR time left out', async () => {
    const bounds = new ReadingBounds('slow.pdf', { maxTextMs: 50 });
    const ocr = bounds.untimedOcr({
      wants: () => true,
      read: () => new Promise((resolve) => setTimeout(() => resolve('ocr text'), 100)),
    });
    bounds.page(1);
    expect(await ocr.read(undefined as never, 2)).toBe('ocr text');
    expect(() => bounds.pageDone(1, 2)).not.toThrow();
    bounds.page(2);
    const until = performance.now() + 60;
    while (performance.now() < until) {
      // a page whose text takes 60 ms
    }
    const err = thrown(() => bounds.pageDone(2, 2)) as ToolError;
    expect(err.code).toBe('RESOURCE_LIMIT_EXCEEDED');
    expect(err.message).toBe(
      "Failed to process PDF: reading the text of file 'slow.pdf' took over 0.05 s, the limit " +
        "(stopped after page 2 of 2); read it in parts with extraction_mode 'pages'",
    );
  });
});
