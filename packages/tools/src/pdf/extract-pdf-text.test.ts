import { describe, expect, it } from 'vitest';
import { makePdf, makeTextBombPdf } from '@ordo/testing';
import { ToolError } from '../tool-error';
import { extractPdfText } from './extract-pdf-text';

const every = (pageCount: number): number[] => Array.from({ length: pageCount }, (_, i) => i + 1);

describe('extractPdfText', () => {
  it('reads documents open at the same time in one thread, each with its own page count', async () => {
    // pdf.js 5.4 kept the page count of the document opened last in a process-wide
    // singleton and checked every getPage against it: the one-page document opened here
    // while the large one is being read made the large one fail with "Invalid page request.".
    const large = await makePdf(Array.from({ length: 40 }, (_, p) => [`Large page ${p + 1}`]));
    const small = await makePdf([['Small document']]);
    let opened: Promise<unknown> | undefined;
    const reading = extractPdfText(large, {
      selectPages: every,
      onPage: (page) => {
        if (page === 2) opened = extractPdfText(small, { selectPages: every });
      },
    });
    const [read, smallRead] = await Promise.all([reading, reading.then(() => opened)]);
    expect([read.pagesRead, read.text.split('\n\f').at(-2)]).toEqual([40, 'Large page 40']);
    expect(smallRead).toMatchObject({ pageCount: 1, text: 'Small document\n\f' });
  });

  it('stops with TEXT_TOO_LARGE on the page whose text passes maxTextChars', async () => {
    // Five pages sharing one compressed content stream of 20,000 characters of text each.
    const bomb = await makeTextBombPdf({ pages: 5, textCharsPerPage: 20_000 });
    const seen: number[] = [];
    const err = await extractPdfText(bomb, {
      selectPages: every,
      onPage: (page) => seen.push(page),
      maxTextChars: 50_000,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ToolError);
    expect([(err as ToolError).code, (err as ToolError).retryable]).toEqual(['TEXT_TOO_LARGE', false]);
    expect((err as ToolError).message).toBe(
      'Failed to process PDF: its text is over the limit of 50000 characters (passed on page 3 of 5)',
    );
    expect(seen).toEqual([1, 2, 3]);
  });

  it('lists the pages whose content has no text (an image-only page, a blank one)', async () => {
    const pdf = await makePdf([['First page'], [], ['Third page'], []]);
    const read = await extractPdfText(pdf, { selectPages: every });
    expect([read.text, read.pagesWithoutText]).toEqual(['First page\n\f\fThird page\n\f', [2, 4]]);
  });

  it('ends each page with a form feed as pdftotext does, so page n follows n - 1 of them, whichever pages were read', async () => {
    const pdf = await makePdf([['One', 'first page'], ['Two'], [], ['Four'], ['Five']]);
    const read = (pages: number[]): Promise<string> =>
      extractPdfText(pdf, { selectPages: () => pages }).then((r) => r.text);
    // Page 3 has no text, and pages 1-3 are not read: each still has its form feed.
    expect(await read([1, 2, 3, 4, 5])).toBe('One\nfirst page\n\fTwo\n\f\fFour\n\fFive\n\f');
    expect(await read([4, 5])).toBe('\f\f\fFour\n\fFive\n\f');
    expect(await read([3])).toBe('');
    expect(await read([1])).toBe('One\nfirst page\n\f');
    // The length limit counts the marks.
    const err = await extractPdfText(pdf, { selectPages: () => [4, 5], maxTextChars: 14 }).catch((e: unknown) => e);
    expect((err as ToolError).message).toBe(
      'Failed to process PDF: its text is over the limit of 14 characters (passed on page 5 of 5)',
    );
  });
});
