import { ApplicationFailure } from '@temporalio/common';
import { afterAll, describe, expect, it } from 'vitest';
import { makeDeflateBombPdf, makeFakePdf, makeImagePagesPdf, makeJavaScriptPdf, makePdf } from '@ordo/testing';
import { memoryFiles, testingContext } from '../testing-context';
import { runTool } from '../testing/run-tool';
import { ToolThreads } from '../threads/tool-threads';
import { ToolError } from '../tool-error';
import { DecodeBudget, MAX_DECODED_STREAM_BYTES, MAX_PDF_PAGES, withDecodeBudget } from './input-bounds';
import { pdfExtractor, PdfExtractorOutputs, PdfExtractorParams } from './pdf-extractor';

/*
 * pdf_extractor on hostile files generated here (packages/testing/src/bad-pdf.ts): each ends
 * the step with a clear message within the bounds of input-bounds.ts, and code in the file
 * never runs.
 */

const MIB = 2 ** 20;

/** Runs the tool in this thread as the activity layer would; resolves with its outputs or its ToolError. */
async function extract(bytes: Uint8Array, name: string, params: Record<string, unknown> = {}) {
  const files = memoryFiles({ doc: { bytes, name } });
  const ctx = testingContext({ files });
  return pdfExtractor
    .run(PdfExtractorParams.parse({ input_file: { file_id: 'doc', name }, ...params }), ctx)
    .then((outputs) => PdfExtractorOutputs.parse(outputs));
}

async function failure(work: Promise<unknown>): Promise<ToolError> {
  const err: unknown = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ToolError);
  return err as ToolError;
}

describe('pdf_extractor on hostile files', () => {
  it('stops a decompression bomb at the limit per stream: RESOURCE_LIMIT_EXCEEDED naming the file and the page', async () => {
    // 512 MiB of zeros in a file of about half a megabyte.
    const bomb = await makeDeflateBombPdf({ inflatedBytes: 512 * MIB, text: 'Quarterly revenue rose 5%.' });
    expect(bomb.length).toBeLessThan(MIB);
    const err = await failure(extract(bomb, 'bomb.pdf'));
    expect(err.code).toBe('RESOURCE_LIMIT_EXCEEDED');
    expect(err.retryable).toBe(false);
    expect(err.message).toBe(
      `Failed to process PDF: file 'bomb.pdf' was not read: a stream (page 1) inflates to more than ${MAX_DECODED_STREAM_BYTES / MIB} MiB, ` +
        'the limit per stream (a decompression bomb, or data far larger than a document needs)',
    );
  });

  it('reads the text of thousands of image pages without decoding one image', { timeout: 120_000 }, async () => {
    // Each page draws a 5,000 × 5,000 RGB image: 75 MB once decoded, 2,000 times.
    const scans = await makeImagePagesPdf({ pages: 2_000, width: 5_000, height: 5_000 });
    const watch = new DecodeBudget('watch', { streamBytes: Infinity, pageBytes: Infinity, documentBytes: Infinity });
    const err = await failure(withDecodeBudget(watch, () => extract(scans, 'scans.pdf', { ocr: 'never' })));
    expect(err.code).toBe('PDF_NO_TEXT_LAYER');
    expect(err.message).toBe(
      'Failed to process PDF: pages 1\u20132000 have no text layer (scanned images); run with ocr: auto to read them by OCR',
    );
    // Content streams and fonts only: no image was inflated.
    expect(watch.spent).toBeLessThan(8 * MIB);
  });

  it(
    'leaves an image past the pixel limit out of a page rendered for OCR, undecoded',
    { timeout: 240_000 },
    async () => {
      // 10,000 × 10,000: 100 million pixels, over MAX_IMAGE_PIXELS; 300 MB once decoded.
      const huge = await makeImagePagesPdf({ pages: 2, width: 10_000, height: 10_000 });
      const watch = new DecodeBudget('watch', { streamBytes: Infinity, pageBytes: Infinity, documentBytes: Infinity });
      const err = await failure(withDecodeBudget(watch, () => extract(huge, 'huge.pdf')));
      expect(err.code).toBe('PDF_NO_TEXT_LAYER');
      expect(err.message).toBe(
        'Failed to process PDF: pages 1\u20132 have no text layer (scanned images) and OCR found no text in them (blank or unreadable images)',
      );
      expect(watch.spent).toBeLessThan(16 * MIB);
    },
  );

  it(
    `fails before reading a page when more than ${MAX_PDF_PAGES} pages are to be read`,
    { timeout: 120_000 },
    async () => {
      const long = await makeImagePagesPdf({ pages: MAX_PDF_PAGES + 1, width: 1, height: 1 });
      const ctx = testingContext({ files: memoryFiles({ doc: { bytes: long, name: 'long.pdf' } }) });
      const err = await failure(
        pdfExtractor.run(PdfExtractorParams.parse({ input_file: { file_id: 'doc', name: 'long.pdf' } }), ctx),
      );
      expect(err.code).toBe('RESOURCE_LIMIT_EXCEEDED');
      expect(err.message).toBe(
        `Failed to process PDF: file 'long.pdf' has ${MAX_PDF_PAGES + 1} pages to read, over the limit of ${MAX_PDF_PAGES} ` +
          `per step; read it in parts with extraction_mode 'pages' (e.g. pages: "1-${MAX_PDF_PAGES}")`,
      );
      expect(ctx.progressReports).toEqual([]);
      // The remedy works.
      const part = await extract(long, 'long.pdf', { extraction_mode: 'pages', pages: '1-3', ocr: 'never' }).catch(
        (e: unknown) => e as ToolError,
      );
      expect(part).toMatchObject({ code: 'PDF_NO_TEXT_LAYER' });
    },
  );

  it('fails as PDF_INVALID, naming the file, for random bytes behind a %PDF- header', async () => {
    const err = await failure(extract(makeFakePdf(200_000), 'fake.pdf'));
    expect(err.code).toBe('PDF_INVALID');
    expect(err.retryable).toBe(false);
    expect(err.message).toBe(
      "Failed to process PDF: file 'fake.pdf' is corrupt or not a valid PDF (Invalid PDF structure.)",
    );
  });

  it('never runs a PDF’s JavaScript (open action, document script, page, link and field actions)', async () => {
    const marker = 'ordoPdfScriptRan';
    // Run, it would set the marker and never return.
    const pdf = await makeJavaScriptPdf({
      lines: ['Quarterly revenue rose 5%.'],
      script: `globalThis.${marker} = true; while (true) {}`,
    });
    const outputs = await extract(pdf, 'scripted.pdf');
    expect(outputs.extracted_text).toBe('Quarterly revenue rose 5%.\n\n[form] total: 42\n\f');
    expect(outputs.extracted_text).not.toContain('while');
    expect((globalThis as Record<string, unknown>)[marker]).toBeUndefined();
  });
});

describe('pdf_extractor on a bomb in its thread, as the worker runs it', () => {
  const threads = new ToolThreads({ maxThreads: 2 });
  afterAll(() => threads.close());

  it(
    'fails the bomb at the bound while another extraction completes; the thread reads the next document',
    { timeout: 180_000 },
    async () => {
      const bomb = await makeDeflateBombPdf({ inflatedBytes: 1024 * MIB, text: 'Quarterly revenue rose 5%.' });
      const healthy = await makePdf([['Revenue grew 12% to $4.2 million in the quarter.']]);
      const files = memoryFiles({ bomb: { bytes: bomb, name: 'bomb.pdf' }, ok: { bytes: healthy, name: 'ok.pdf' } });
      const run = (file_id: string) =>
        runTool(pdfExtractor, { input_file: { file_id, name: `${file_id}.pdf` } }, { threads, files });

      const [bombed, other] = await Promise.allSettled([run('bomb'), run('ok')]);
      expect(other.status).toBe('fulfilled');
      expect(bombed.status).toBe('rejected');
      const err = (bombed as PromiseRejectedResult).reason as ApplicationFailure;
      expect(err).toBeInstanceOf(ApplicationFailure);
      expect(err.type).toBe('RESOURCE_LIMIT_EXCEEDED');
      expect(err.nonRetryable).toBe(true);
      expect(err.message).toContain("file 'bomb.pdf' was not read: a stream (page 1) inflates to more than 128 MiB");

      const after = await Promise.all([run('ok'), run('ok')]);
      for (const outputs of after) expect(outputs.extracted_text).toContain('Revenue grew 12%');
    },
  );
});
