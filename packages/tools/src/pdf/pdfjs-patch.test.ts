import { describe, expect, it, vi } from 'vitest';
import { makePdf } from '@ordo/testing';
import { extractPdfText } from './extract-pdf-text';

// pdf.js is patched for speed (patches/pdfjs-dist@5.5.207.patch; docs/design/documents.md,
// "Extraction speed"). These hold what the patch must keep true, and fail if it is lost.
describe('pdf.js as patched', () => {
  it('finds every page of a flat page tree by its index, in any order, across cleanups', async () => {
    // pdf-lib writes one /Kids array of all pages; the patch remembers each page found by index.
    // 250 pages: extractPdfText clears pdf.js's caches every 100 pages.
    const pdf = await makePdf(Array.from({ length: 250 }, (_, p) => [`Page ${p + 1} of the flat tree`]));
    const order = [250, 1, 2, 150, ...Array.from({ length: 120 }, (_, i) => i + 3), 249];
    const read = await extractPdfText(pdf, { selectPages: () => order });
    // Read out of order: each page after its form feeds (249 before page 250, the first; 148 before page 150).
    expect(read.text.replace(/^\f+|\n\f$/gu, '').split(/\n\f+/u)).toEqual(
      order.map((page) => `Page ${page} of the flat tree`),
    );
  });

  it('passes text content between its two halves without structured cloning, the text the same', async () => {
    // In Node both halves run in this thread, and every message was structured-cloned: text
    // chunks and the streams' pulls now travel as copies made by hand (the patch's loopbackCopy).
    const pdf = await makePdf([['First page, first line', 'First page, second line'], ['Second page']]);
    const clone = vi.spyOn(globalThis, 'structuredClone');
    try {
      const read = await extractPdfText(pdf, { selectPages: () => [1, 2] });
      expect(read.text).toContain('First page, first line\nFirst page, second line');
      expect(read.text).toContain('Second page');
      const streamed = clone.mock.calls.filter(([message]) => (message as { stream?: unknown }).stream !== undefined);
      expect(streamed).toEqual([]);
    } finally {
      clone.mockRestore();
    }
  });

  it('leaves Array.prototype.push native once pdf.js is loaded', async () => {
    // The legacy build's core-js replaced it on Node 20 with a slower one for the whole thread.
    await extractPdfText(await makePdf([['One page']]), { selectPages: () => [1] });
    expect(Function.prototype.toString.call(Array.prototype.push)).toContain('[native code]');
  });
});
