import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { pdfFixture } from '../../fixtures/pdf-fixtures';
import { REPORT_EXECUTIVE_SUMMARY } from '../../fixtures/postscript';
import { memoryFiles, testingContext } from '../testing-context';
import type { TestingContextOptions } from '../testing-context';
import { ToolError } from '../tool-error';
import { noTextLayerMessage, pdfExtractor, PdfExtractorOutputs, PdfExtractorParams } from './pdf-extractor';

const files = memoryFiles({
  report: { bytes: pdfFixture('financial-report'), name: 'financial-report.pdf' },
  letter: { bytes: pdfFixture('letter') },
  locked: { bytes: pdfFixture('password-protected') },
  scan: { bytes: pdfFixture('no-text-layer') },
  truncated: { bytes: pdfFixture('truncated'), name: 'truncated.pdf' },
  // The store may hand back a Node Buffer; pdf.js itself refuses one.
  buffer: { bytes: Buffer.from(pdfFixture('letter')) },
  notes: {
    bytes: new TextEncoder().encode('Revenue reached $10.5 million.'),
    name: 'notes.txt',
    mime_type: 'text/plain',
  },
  garbage: {
    bytes: new TextEncoder().encode('%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\nthis is not a PDF body\n'),
    name: 'garbage.pdf',
  },
});

const ref = (file_id: string) => ({ file_id, name: `${file_id}.pdf` });

/** Runs the tool as the activity layer would: parameters through the schema, outputs checked against theirs. */
async function extract(raw: Record<string, unknown>, options: TestingContextOptions = {}) {
  const ctx = testingContext({ files, ...options });
  const outputs = await pdfExtractor.run(PdfExtractorParams.parse(raw), ctx);
  return { outputs: PdfExtractorOutputs.parse(outputs), ctx };
}

async function failure(raw: Record<string, unknown>): Promise<ToolError> {
  const err: unknown = await extract(raw).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ToolError);
  return err as ToolError;
}

/** `<path>: <message>` of each issue, as the activity layer reports a parameter mismatch. */
function paramProblems(raw: Record<string, unknown>): string[] {
  const parsed = PdfExtractorParams.safeParse(raw);
  return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('pdf_extractor', () => {
  let report: string;

  beforeAll(async () => {
    report = (await extract({ input_file: ref('report') })).outputs.extracted_text;
  });

  it('extracts every page of a Ghostscript PDF: lines kept, paragraphs separated by blank lines, pages by form feeds', async () => {
    const { outputs } = await extract({ input_file: ref('report') });
    expect(outputs.page_count).toBe(3);
    expect(outputs.pages_read).toBe(3);
    expect(outputs.note).toBeUndefined();
    expect(outputs.extracted_text.split('\n').slice(0, 6)).toEqual([
      'Northwind Traders Financial Report Q4 2023',
      '',
      'Executive Summary',
      '',
      'Northwind Traders closed the fourth quarter of 2023 with revenue of $10.5 million, up 15%',
      'from the same quarter last year. Net income rose to $2.1 million and gross margin improved',
    ]);
    // Each executive-summary sentence is there, wrapped over lines.
    const flat = outputs.extracted_text.replace(/\s+/g, ' ');
    for (const sentence of REPORT_EXECUTIVE_SUMMARY) expect(flat).toContain(sentence);
    // Page 2 starts after a form feed, as pdftotext marks pages; the appendix (page 3) is last.
    expect(outputs.extracted_text).toContain('throughout the year.\n\fSegment Review\n');
    expect(outputs.extracted_text.match(/\f/g)).toHaveLength(3);
    expect(outputs.extracted_text.endsWith('\n\f')).toBe(true);
    expect(
      outputs.extracted_text
        .trimEnd()
        .endsWith('Growth: the change in revenue from the same quarter of the previous year.'),
    ).toBe(true);
  });

  it('reports the document metadata, with the creation date as ISO 8601', async () => {
    const { outputs } = await extract({ input_file: ref('report') });
    expect(outputs.metadata).toEqual({
      title: 'Northwind Traders Financial Report Q4 2023',
      author: 'Northwind Traders Finance Team',
      subject: 'Quarterly results',
      creator: 'Ordo test fixtures (packages/tools/fixtures/make-fixtures.sh)',
      producer: expect.stringMatching(/Ghostscript/),
      creation_date: '2024-01-31T09:00:00.000Z',
    });
  });

  it('reads a one-page letter, also when the store hands back a Node Buffer', async () => {
    for (const id of ['letter', 'buffer']) {
      const { outputs } = await extract({ input_file: ref(id) });
      expect(outputs).toMatchObject({ page_count: 1, pages_read: 1 });
      expect(outputs.extracted_text).toMatch(
        /^Northwind Traders, 14 Harbour Street, Bristol\nFebruary 15, 2024\nDear Shareholder,/,
      );
      expect(outputs.metadata).toMatchObject({
        title: 'Letter to Shareholders',
        author: 'Ada Lindqvist',
        creation_date: '2024-02-15T12:00:00.000Z',
      });
    }
  });

  it('reads only the first page in first_page mode but reports the page count', async () => {
    const { outputs, ctx } = await extract({ input_file: ref('report'), extraction_mode: 'first_page' });
    expect(outputs).toMatchObject({ page_count: 3, pages_read: 1 });
    expect(outputs.extracted_text).toContain('Executive Summary');
    expect(outputs.extracted_text).not.toContain('Segment Review');
    expect(report.startsWith(outputs.extracted_text)).toBe(true);
    expect(ctx.progressReports).toEqual([{ message: 'Processing page 1 of 3', fraction: 1 }]);
  });

  it('reads the listed pages once each, in document order, in pages mode', async () => {
    const { outputs, ctx } = await extract({ input_file: ref('report'), extraction_mode: 'pages', pages: '3, 1-1,3' });
    expect(outputs).toMatchObject({ page_count: 3, pages_read: 2 });
    // Page 2 was not read, and still counts: two form feeds before page 3, as in the whole text.
    const [first, third] = outputs.extracted_text.split('\n\f\fAppendix A');
    expect(first).toContain('Executive Summary');
    expect(first).not.toContain('Segment Review');
    expect(third).toContain('Glossary');
    expect(ctx.progressReports.map((r) => r.message)).toEqual(['Processing page 1 of 3', 'Processing page 3 of 3']);
  });

  it('reports progress once per page, with the share done', async () => {
    const { ctx } = await extract({ input_file: ref('report') });
    expect(ctx.progressReports).toEqual([
      { message: 'Processing page 1 of 3', fraction: 1 / 3 },
      { message: 'Processing page 2 of 3', fraction: 2 / 3 },
      { message: 'Processing page 3 of 3', fraction: 1 },
    ]);
  });

  it('stops between pages once the signal is aborted, with the signal reason', async () => {
    const controller = new AbortController();
    const reason = new Error('job cancelled');
    const reports: string[] = [];
    const err: unknown = await extract(
      { input_file: ref('report') },
      {
        signal: controller.signal,
        onProgress: (report) => {
          reports.push(report.message);
          if (report.message === 'Processing page 2 of 3') controller.abort(reason);
        },
      },
    ).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBe(reason);
    // Page 2 was under way when the job was cancelled; page 3 was never started.
    expect(reports).toEqual(['Processing page 1 of 3', 'Processing page 2 of 3']);
  });

  it('does not start on a signal aborted before it runs', async () => {
    const controller = new AbortController();
    controller.abort();
    const reports: string[] = [];
    const err: unknown = await extract(
      { input_file: ref('report') },
      { signal: controller.signal, onProgress: (r) => reports.push(r.message) },
    ).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((err as Error).name).toBe('AbortError');
    expect(reports).toEqual([]);
  });

  it('fails without retry as PDF_NO_TEXT_LAYER with ocr: never, naming the pages, cause and remedy, for a PDF without a text layer', async () => {
    const err = await failure({ input_file: ref('scan'), ocr: 'never' });
    expect([err.code, err.retryable]).toEqual(['PDF_NO_TEXT_LAYER', false]);
    expect(err.message).toBe(noTextLayerMessage([1], 'never'));
    expect(err.message).toBe(
      'Failed to process PDF: page 1 has no text layer (scanned images); run with ocr: auto to read it by OCR',
    );
    expect(noTextLayerMessage([1, 2, 3, 5], 'never')).toContain('pages 1\u20133, 5 have no text layer');
  });

  it('reads a PDF without a text layer (text drawn as outlines) by OCR by default, saying so', async () => {
    const { outputs } = await extract({ input_file: ref('scan') });
    expect(outputs.extracted_text.replace(/\s+/g, ' ')).toContain('Received with thanks the sum of $1,250.00');
    expect(outputs).toMatchObject({ ocr_pages: [1], note: 'Page 1 was read by OCR; recognised text may have errors.' });
    // Tesseract reads the page in a few seconds, more on a loaded machine.
  }, 120_000);

  it('fails without retry, with exactly the seed message, for a password-protected PDF', async () => {
    const err = await failure({ input_file: ref('locked') });
    expect(err.code).toBe('PDF_PASSWORD_PROTECTED');
    expect(err.retryable).toBe(false);
    expect(err.message).toBe('Failed to process PDF: File is password protected');
  });

  it.each([
    ['a truncated PDF', 'truncated'],
    ['a PDF whose body is garbage', 'garbage'],
  ])('fails without retry as PDF_INVALID for %s', async (_, id) => {
    const err = await failure({ input_file: ref(id) });
    expect(err.code).toBe('PDF_INVALID');
    expect(err.retryable).toBe(false);
    expect(err.message).toMatch(
      new RegExp(`^Failed to process PDF: file '${id}.pdf' is corrupt or not a valid PDF \\(.+\\)$`),
    );
  });

  it('fails without retry as UNSUPPORTED_FILE_TYPE for a file that is not a PDF, naming it', async () => {
    const err = await failure({ input_file: ref('notes') });
    expect(err.code).toBe('UNSUPPORTED_FILE_TYPE');
    expect(err.retryable).toBe(false);
    expect(err.message).toBe(
      "Failed to process PDF: file 'notes.txt' is not a PDF (stored as text/plain; no %PDF- header)",
    );
  });

  it('fails without retry as FILE_NOT_FOUND, naming the file, when the upload does not exist', async () => {
    const err = await failure({ input_file: { file_id: 'file_gone', name: 'q4.pdf' } });
    expect(err.code).toBe('FILE_NOT_FOUND');
    expect(err.retryable).toBe(false);
    expect(err.message).toBe("File 'file_gone' (q4.pdf) not found");
  });

  it('fails without retry as INVALID_PARAMETERS for pages beyond the document, before reading any', async () => {
    const reports: string[] = [];
    const err: unknown = await extract(
      { input_file: ref('report'), extraction_mode: 'pages', pages: '2-5' },
      { onProgress: (r) => reports.push(r.message) },
    ).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ToolError);
    expect(err).toMatchObject({
      code: 'INVALID_PARAMETERS',
      retryable: false,
      message: 'pages: asks for pages 2-5, but the document has 3 pages',
    });
    expect(reports).toEqual([]);
  });

  it('rejects malformed parameters, naming the parameter and the rule', () => {
    expect(paramProblems({ input_file: ref('report') })).toEqual([]);
    expect(paramProblems({ input_file: ref('report'), extraction_mode: 'all' })).toEqual([
      'extraction_mode: Invalid option: expected one of "full"|"first_page"|"pages"',
    ]);
    expect(paramProblems({ input_file: ref('report'), extraction_mode: 'pages' })).toEqual([
      "pages: is required when extraction_mode is 'pages'",
    ]);
    expect(paramProblems({ input_file: ref('report'), pages: '1' })).toEqual([
      "pages: is only read when extraction_mode is 'pages', not 'full'",
    ]);
    expect(paramProblems({ input_file: ref('report'), extraction_mode: 'pages', pages: '1-3,x' })).toEqual([
      'pages: "x" is not a page number or a range like "1-3" (expected a list such as "1-3,7")',
    ]);
    expect(paramProblems({ input_file: ref('report'), extraction_mode: 'pages', pages: '5-2' })).toEqual([
      'pages: "5-2" ends before it starts; write it as "2-5"',
    ]);
    expect(paramProblems({ input_file: ref('report'), extraction_mode: 'pages', pages: '0' })).toEqual([
      'pages: pages are numbered from 1, "0" asks for page 0',
    ]);
  });

  it('keeps the refined parameters an object whose JSON Schema lists every field', () => {
    expect(z.toJSONSchema(PdfExtractorParams, { io: 'input' })).toMatchObject({
      type: 'object',
      properties: {
        input_file: { type: 'object' },
        extraction_mode: { enum: ['full', 'first_page', 'pages'], default: 'full' },
        pages: { type: 'string' },
        ocr: { enum: ['auto', 'always', 'never'], default: 'auto' },
      },
      required: ['input_file'],
    });
    expect(z.toJSONSchema(PdfExtractorOutputs, { io: 'output' })).toMatchObject({
      required: ['extracted_text', 'page_count', 'pages_read', 'ocr_pages', 'metadata'],
      properties: { metadata: { properties: { creation_date: { type: 'string' } } } },
    });
  });

  it('runs several extractions at once', async () => {
    const outs = await Promise.all(
      ['report', 'letter', 'report', 'letter'].map((id) => extract({ input_file: ref(id) })),
    );
    expect(outs.map(({ outputs }) => outputs.page_count)).toEqual([3, 1, 3, 1]);
    expect(outs[2]!.outputs.extracted_text).toBe(report);
  });
});
