import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generatedPdf } from '../../../fixtures/pdf-fixtures';
import { memoryFiles, testingContext } from '../../testing-context';
import type { TestingContextOptions } from '../../testing-context';
import { ToolError } from '../../tool-error';
import { extractPdfText } from '../extract-pdf-text';
import { pdfExtractor, PdfExtractorOutputs, PdfExtractorParams } from '../pdf-extractor';
import { PageOcr } from './page-ocr';
import { renderDpi } from './render-page';
import { openTesseract } from './tesseract-reader';
import { OCR_RENDER_DPI, MAX_OCR_PIXELS, MAX_OCR_TOTAL_MS } from './ocr-limits';

// Each page is read by the real Tesseract (about 2–10 s a page on a loaded machine). The
// machine has no network but the package registries, so these passing proves the language
// data, worker and core are all read from disk.
const OCR_TIMEOUT_MS = 180_000;

const SCAN = ['Quarterly Inventory Report', 'Warehouse shipments increased steadily during autumn.'];
const TYPED = ['Typed cover letter for the auditors.'];

const files = memoryFiles({
  scan: { bytes: await generatedPdf([{ scanned: SCAN }]) },
  mixed: { bytes: await generatedPdf([{ text: TYPED }, { scanned: SCAN }]) },
  typed: { bytes: await generatedPdf([{ text: TYPED }]) },
  twoScans: { bytes: await generatedPdf([{ scanned: SCAN }, { scanned: ['Second page of the scan.'] }]) },
  // Text and scanned pages in turn: OCR runs after every text layer is read, the text stays in page order.
  interleaved: {
    bytes: await generatedPdf([
      { text: ['First typed page.'] },
      { scanned: SCAN },
      { text: ['Third typed page.'] },
      { text: ['Fourth typed page.'] },
      { scanned: ['Second page of the scan.'] },
      { text: ['Sixth typed page.'] },
    ]),
  },
  // More pages without a text layer than OCR may read in one step (MAX_OCR_PAGES, 50).
  sixtyScans: { bytes: await generatedPdf(Array.from({ length: 60 }, (_, i) => ({ scanned: [`Scan ${i + 1}`] }))) },
});

const ref = (file_id: string) => ({ file_id, name: `${file_id}.pdf` });
const words = (text: string) => text.replace(/\s+/g, ' ');

async function extract(raw: Record<string, unknown>, options: TestingContextOptions = {}) {
  const progress: string[] = [];
  const ctx = testingContext({ files, onProgress: (p) => progress.push(p.message), ...options });
  const outputs = PdfExtractorOutputs.parse(await pdfExtractor.run(PdfExtractorParams.parse(raw), ctx));
  return { outputs, progress };
}

/** The message of the RESOURCE_LIMIT_EXCEEDED `work` throws. */
function failureOf(work: () => void): string {
  try {
    work();
  } catch (err) {
    expect((err as ToolError).code).toBe('RESOURCE_LIMIT_EXCEEDED');
    return (err as ToolError).message;
  }
  throw new Error('did not fail');
}

async function failure(work: Promise<unknown>): Promise<unknown> {
  return work.then(
    () => undefined,
    (e: unknown) => e,
  );
}

describe('pdf_extractor OCR', { timeout: OCR_TIMEOUT_MS }, () => {
  it('reads a scanned page (an image, no text layer) by OCR with ocr: auto, the default, reporting page progress', async () => {
    const { outputs, progress } = await extract({ input_file: ref('scan') });
    expect(words(outputs.extracted_text)).toContain('Quarterly Inventory Report');
    expect(words(outputs.extracted_text)).toContain('Warehouse shipments increased steadily during autumn.');
    expect(outputs).toMatchObject({
      page_count: 1,
      pages_read: 1,
      ocr_pages: [1],
      note: 'Page 1 was read by OCR; recognised text may have errors.',
    });
    expect(progress).toContain('OCR page 1 of 1');
    // cacheMethod 'none': tesseract.js would otherwise write the language data where the process runs.
    expect(existsSync(join(process.cwd(), 'eng.traineddata'))).toBe(false);
  });

  it('fails with ocr: never, naming the pages, the cause and the remedy', async () => {
    const err = await failure(extract({ input_file: ref('twoScans'), ocr: 'never' }));
    expect(err).toBeInstanceOf(ToolError);
    expect([(err as ToolError).code, (err as ToolError).retryable]).toEqual(['PDF_NO_TEXT_LAYER', false]);
    expect((err as ToolError).message).toBe(
      'Failed to process PDF: pages 1\u20132 have no text layer (scanned images); run with ocr: auto to read them by OCR',
    );
  });

  it('reads only the scanned page of a mixed PDF by OCR', async () => {
    const { outputs, progress } = await extract({ input_file: ref('mixed') });
    const [typed, scanned] = outputs.extracted_text.split('\n\f');
    expect(typed).toBe(TYPED[0]);
    expect(words(scanned!)).toContain('Warehouse shipments increased steadily');
    expect(outputs.ocr_pages).toEqual([2]);
    expect(progress.filter((p) => p.startsWith('OCR'))).toEqual(['OCR page 2 of 2']);
  });

  it('with ocr: never, keeps the text pages of a mixed PDF and names the scanned one in the note', async () => {
    const { outputs } = await extract({ input_file: ref('mixed'), ocr: 'never' });
    expect(outputs).toMatchObject({ extracted_text: `${TYPED[0]}\n\f`, ocr_pages: [] });
    expect(outputs.note).toBe(
      'Page 2 has no text layer (scanned images or blank); their text, if any, is missing (run with ocr: auto to read them by OCR).',
    );
  });

  it('reads a page with a text layer by OCR with ocr: always, and never starts OCR for it with auto', async () => {
    const always = await extract({ input_file: ref('typed'), ocr: 'always' });
    expect(always.outputs.ocr_pages).toEqual([1]);
    expect(words(always.outputs.extracted_text)).toContain('Typed cover letter for the auditors.');
    const auto = await extract({ input_file: ref('typed') });
    expect(auto.outputs).toMatchObject({ ocr_pages: [], extracted_text: `${TYPED[0]}\n\f` });
    expect(auto.progress.some((p) => p.startsWith('OCR'))).toBe(false);
  });

  it('stops between pages once cancelled: the second scanned page is never read', async () => {
    const controller = new AbortController();
    const progress: string[] = [];
    const err = await failure(
      extract(
        { input_file: ref('twoScans') },
        {
          signal: controller.signal,
          onProgress: (p) => {
            progress.push(p.message);
            if (p.message === 'OCR page 1 of 2') controller.abort();
          },
        },
      ),
    );
    expect((err as Error).name).toBe('AbortError');
    expect(progress.filter((p) => p.startsWith('OCR'))).toEqual(['OCR page 1 of 2']);
  });

  it('reads the text layers of a mixed PDF first, then its scanned pages by OCR, keeping the page order', async () => {
    const { outputs, progress } = await extract({ input_file: ref('interleaved') });
    const text = words(outputs.extracted_text);
    const at = [
      'First typed page.',
      'Warehouse shipments increased steadily',
      'Third typed page.',
      'Fourth typed page.',
      'Second page of the scan.',
      'Sixth typed page.',
    ].map((phrase) => text.indexOf(phrase));
    expect(
      at.every((i) => i >= 0),
      `${JSON.stringify(at)} in ${text}`,
    ).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(outputs).toMatchObject({ page_count: 6, pages_read: 6, ocr_pages: [2, 5] });
    expect(progress.filter((p) => p.startsWith('OCR'))).toEqual(['OCR page 2 of 6', 'OCR page 5 of 6']);
    // Every text layer is read before the first OCR.
    expect(progress.indexOf('Processing page 6 of 6')).toBeLessThan(progress.indexOf('OCR page 2 of 6'));
  });

  it('fails 60 image-only pages past the OCR page limit before any OCR, naming the count and the remedy', async () => {
    let opened = 0;
    const ocrProgress: string[] = [];
    const ocr = new PageOcr({
      mode: 'auto',
      onPage: (page, pageCount) => ocrProgress.push(`OCR page ${page} of ${pageCount}`),
      openReader: () => {
        opened++;
        return openTesseract();
      },
    });
    try {
      const err = await failure(
        extractPdfText((await files.read('sixtyScans'))!.bytes, {
          selectPages: (n) => Array.from({ length: n }, (_, i) => i + 1),
          ocr,
        }),
      );
      expect(err).toBeInstanceOf(ToolError);
      expect([(err as ToolError).code, (err as ToolError).retryable]).toEqual(['RESOURCE_LIMIT_EXCEEDED', false]);
      expect((err as ToolError).message).toBe(
        'Failed to process PDF: 60 of the 60 pages to read have no text layer, over the limit of 50 pages read by ' +
          'OCR in one step; read the document in parts with extraction_mode \'pages\' (e.g. pages: "1-50"), or run ' +
          'with ocr: never to get the text of the pages that have a text layer',
      );
      expect({ opened, ocrProgress, read: ocr.pages }).toEqual({ opened: 0, ocrProgress: [], read: [] });
    } finally {
      await ocr.close();
    }
  });

  it('names a first part within the limit for a mixed selection, and ocr: auto as the remedy of ocr: always', () => {
    const pages = [3, 4, 5, 6, 7, 8];
    const auto = new PageOcr({ mode: 'auto', maxPages: 2 });
    expect(failureOf(() => auto.plan([4, 6, 8], pages))).toBe(
      'Failed to process PDF: 3 of the 6 pages to read have no text layer, over the limit of 2 pages read by OCR ' +
        'in one step; read the document in parts with extraction_mode \'pages\' (e.g. pages: "3-7"), or run with ' +
        'ocr: never to get the text of the pages that have a text layer',
    );
    const always = new PageOcr({ mode: 'always', maxPages: 2 });
    expect(failureOf(() => always.plan(pages, pages))).toBe(
      'Failed to process PDF: all 6 pages to read would be read by OCR (ocr: always), over the limit of 2 pages ' +
        'read by OCR in one step; read the document in parts with extraction_mode \'pages\' (e.g. pages: "3-4"), ' +
        'or run with ocr: auto to read by OCR only the pages without a text layer',
    );
  });

  it('fails as PDF_OCR_FAILED naming the page, the cause and the remedy when the OCR engine fails', async () => {
    const ocr = new PageOcr({
      mode: 'auto',
      openReader: () => Promise.reject(new Error('the engine would not start')),
    });
    const err = await failure(
      extractPdfText((await files.read('mixed'))!.bytes, { selectPages: (n) => [1, 2].slice(0, n), ocr }),
    );
    expect(err).toBeInstanceOf(ToolError);
    expect([(err as ToolError).code, (err as ToolError).retryable]).toEqual(['PDF_OCR_FAILED', false]);
    expect((err as ToolError).message).toBe(
      'Failed to process PDF: OCR failed on page 2 (the engine would not start); run with ocr: never to get the ' +
        "text of the pages that have a text layer, or leave the page out with extraction_mode 'pages'",
    );
  });
});

describe('PageOcr', () => {
  it("keeps a page's text layer when OCR finds nothing on it (ocr: always)", async () => {
    const ocr = new PageOcr({
      mode: 'always',
      openReader: () => Promise.resolve({ read: () => Promise.resolve(' \n'), close: () => Promise.resolve() }),
    });
    const pdf = await extractPdfText((await files.read('typed'))!.bytes, { selectPages: () => [1], ocr });
    expect(pdf.text).toBe(`${TYPED[0]}\n\f`);
    expect(ocr.pages).toEqual([1]);
  });

  it('fails a page whose OCR passes its time limit as PDF_OCR_FAILED, and ends the engine', async () => {
    let closed = false;
    const ocr = new PageOcr({
      mode: 'auto',
      maxPageMs: 200,
      openReader: () =>
        Promise.resolve({
          read: () => new Promise<string>(() => undefined),
          close: () => Promise.resolve(void (closed = true)),
        }),
    });
    const err = await failure(
      extractPdfText((await files.read('scan'))!.bytes, { selectPages: (n) => [1].slice(0, n), ocr }),
    );
    expect((err as ToolError).code).toBe('PDF_OCR_FAILED');
    expect((err as ToolError).message).toContain('OCR failed on page 1 (it took over 0.2 s)');
    expect(closed).toBe(true);
  });
  it("fails a run whose OCR passes the run's time limit as RESOURCE_LIMIT_EXCEEDED, naming the pages read", async () => {
    let closed = 0;
    let reads = 0;
    // The run's clock: the second page starts 900 ms into a 1,000 ms limit, whatever rendering took.
    const clock = [0, 0, 900, 900];
    const ocr = new PageOcr({
      mode: 'auto',
      maxTotalMs: 1000,
      now: () => clock.shift() ?? 900,
      openReader: () =>
        Promise.resolve({
          // The first page reads at once; the second never ends, so the run's limit ends it.
          read: () => (++reads === 1 ? Promise.resolve('First scan') : new Promise<string>(() => undefined)),
          close: () => Promise.resolve(void closed++),
        }),
    });
    const err = await failure(
      extractPdfText((await files.read('twoScans'))!.bytes, { selectPages: (n) => [1, 2].slice(0, n), ocr }),
    );
    expect([(err as ToolError).code, (err as ToolError).retryable]).toEqual(['RESOURCE_LIMIT_EXCEEDED', false]);
    expect((err as ToolError).message).toBe(
      'Failed to process PDF: OCR took over 1 s, the limit for one step, before page 2 was read (page 1 read by ' +
        "OCR); read the document in parts with extraction_mode 'pages', or run with ocr: never to get the text of " +
        'the pages that have a text layer',
    );
    expect([ocr.pages, closed]).toEqual([[1], 1]);
  });

  it('gives pdf_extractor a timeout that holds its text and OCR bounds', () => {
    expect(pdfExtractor.defaults?.timeout_seconds).toBeGreaterThan((120_000 + MAX_OCR_TOTAL_MS) / 1000);
  });
});

describe('renderDpi', () => {
  it('renders a Letter page at the OCR resolution and a poster-size page within the pixel limit', () => {
    expect(renderDpi(612, 792)).toBe(OCR_RENDER_DPI);
    const poster = renderDpi(72 * 40, 72 * 60);
    expect(poster).toBeLessThan(OCR_RENDER_DPI);
    expect(40 * poster * 60 * poster).toBeLessThanOrEqual(MAX_OCR_PIXELS + 1);
  });
});
