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
import { OCR_RENDER_DPI, MAX_OCR_PIXELS } from './ocr-limits';

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
});

const ref = (file_id: string) => ({ file_id, name: `${file_id}.pdf` });
const words = (text: string) => text.replace(/\s+/g, ' ');

async function extract(raw: Record<string, unknown>, options: TestingContextOptions = {}) {
  const progress: string[] = [];
  const ctx = testingContext({ files, onProgress: (p) => progress.push(p.message), ...options });
  const outputs = PdfExtractorOutputs.parse(await pdfExtractor.run(PdfExtractorParams.parse(raw), ctx));
  return { outputs, progress };
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
    const [typed, scanned] = outputs.extracted_text.split('\n\n');
    expect(typed).toBe(TYPED[0]);
    expect(words(scanned!)).toContain('Warehouse shipments increased steadily');
    expect(outputs.ocr_pages).toEqual([2]);
    expect(progress.filter((p) => p.startsWith('OCR'))).toEqual(['OCR page 2 of 2']);
  });

  it('with ocr: never, keeps the text pages of a mixed PDF and names the scanned one in the note', async () => {
    const { outputs } = await extract({ input_file: ref('mixed'), ocr: 'never' });
    expect(outputs).toMatchObject({ extracted_text: TYPED[0], ocr_pages: [] });
    expect(outputs.note).toBe(
      'Page 2 has no text layer (scanned images or blank); their text, if any, is missing (run with ocr: auto to read them by OCR).',
    );
  });

  it('reads a page with a text layer by OCR with ocr: always, and never starts OCR for it with auto', async () => {
    const always = await extract({ input_file: ref('typed'), ocr: 'always' });
    expect(always.outputs.ocr_pages).toEqual([1]);
    expect(words(always.outputs.extracted_text)).toContain('Typed cover letter for the auditors.');
    const auto = await extract({ input_file: ref('typed') });
    expect(auto.outputs).toMatchObject({ ocr_pages: [], extracted_text: TYPED[0] });
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

  it('fails past its page limit with RESOURCE_LIMIT_EXCEEDED naming the remedy, having read only the pages within it', async () => {
    const ocr = new PageOcr({ mode: 'auto', maxPages: 1 });
    try {
      const err = await failure(
        extractPdfText((await files.read('twoScans'))!.bytes, { selectPages: (n) => [1, 2].slice(0, n), ocr }),
      );
      expect(err).toBeInstanceOf(ToolError);
      expect((err as ToolError).code).toBe('RESOURCE_LIMIT_EXCEEDED');
      expect((err as ToolError).message).toBe(
        'Failed to process PDF: reading page 2 of 2 by OCR would pass the limit of 1 pages read by OCR in one step; ' +
          'read the document in parts with extraction_mode \'pages\' (e.g. pages: "1-1")',
      );
      expect(ocr.pages).toEqual([1]);
    } finally {
      await ocr.close();
    }
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
    expect(pdf.text).toBe(TYPED[0]);
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
});

describe('renderDpi', () => {
  it('renders a Letter page at the OCR resolution and a poster-size page within the pixel limit', () => {
    expect(renderDpi(612, 792)).toBe(OCR_RENDER_DPI);
    const poster = renderDpi(72 * 40, 72 * 60);
    expect(poster).toBeLessThan(OCR_RENDER_DPI);
    expect(40 * poster * 60 * poster).toBeLessThanOrEqual(MAX_OCR_PIXELS + 1);
  });
});
