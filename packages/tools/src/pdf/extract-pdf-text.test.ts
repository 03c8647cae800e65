import { describe, expect, it } from 'vitest';
import { makePdf } from '@ordo/testing';
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
    expect([read.pagesRead, read.text.split('\n\n').at(-1)]).toEqual([40, 'Large page 40']);
    expect(smallRead).toMatchObject({ pageCount: 1, text: 'Small document' });
  });
});
