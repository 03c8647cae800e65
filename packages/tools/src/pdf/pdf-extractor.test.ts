import { PDFDocument, PDFHexString } from 'pdf-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ToolActivity } from '@ordo/core';
import { applicationFailureOf, makePdf } from '@ordo/testing';
import type { FileReader, StoredFile } from '../file-reader';
import { createToolActivities } from '../index';
import { pdfExtractor } from './pdf-extractor';

const PAGE_ONE = ['Financial Report Q4 2023', 'Revenue reached $10.5 million in the fourth quarter.'];
const PAGE_TWO = ['Outlook', 'Operating margin improved to 22% as costs fell.'];

// pdf-lib cannot encrypt, but an /Encrypt dictionary whose check values match no password
// is all pdf.js needs to ask for one.
async function makePasswordProtectedPdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.addPage().drawText('Confidential', { x: 72, y: 720 });
  const ctx = doc.context;
  ctx.trailerInfo.Encrypt = ctx.register(
    ctx.obj({ Filter: 'Standard', V: 1, R: 2, Length: 40, P: -44, O: PDFHexString.of('11'.repeat(32)), U: PDFHexString.of('22'.repeat(32)) }),
  );
  ctx.trailerInfo.ID = ctx.obj([PDFHexString.of('ab'.repeat(16)), PDFHexString.of('ab'.repeat(16))]);
  return doc.save({ useObjectStreams: false });
}

/** In-memory stand-in for @ordo/storage's file store. */
function memoryFiles(files: Record<string, { bytes: Uint8Array; name?: string; mime_type?: string }>): FileReader {
  return {
    read(fileId): Promise<StoredFile | undefined> {
      const file = files[fileId];
      return Promise.resolve(
        file && { bytes: file.bytes, name: file.name ?? `${fileId}.pdf`, mime_type: file.mime_type ?? 'application/pdf', size: file.bytes.length },
      );
    },
  };
}


const ref = (file_id: string) => ({ file_id, name: `${file_id}.pdf` });

describe('pdf_extractor', () => {
  let extract: ToolActivity;

  beforeAll(async () => {
    const twoPages = await makePdf([PAGE_ONE, PAGE_TWO]);
    const corrupt = new TextEncoder().encode('%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\nthis is not a PDF body\n');
    extract = createToolActivities({
      files: memoryFiles({
        report: { bytes: twoPages },
        // The store may hand back a Node Buffer; pdf.js itself refuses one.
        buffer: { bytes: Buffer.from(twoPages) },
        empty: { bytes: await makePdf([[]]) },
        text: { bytes: new TextEncoder().encode('Revenue reached $10.5 million.'), name: 'notes.txt', mime_type: 'text/plain' },
        corrupt: { bytes: corrupt },
        locked: { bytes: await makePasswordProtectedPdf() },
      }),
    }).pdf_extractor!;
  });

  it('extracts every page, line by line, pages separated by a blank line', async () => {
    const out = await extract({ input_file: ref('report') });
    expect(out).toEqual({
      extracted_text: [...PAGE_ONE, '', ...PAGE_TWO].join('\n'),
      page_count: 2,
    });
  });

  it('reads only the first page in first_page mode but reports the document page count', async () => {
    const out = await extract({ input_file: ref('report'), extraction_mode: 'first_page' });
    expect(out.extracted_text).toBe(PAGE_ONE.join('\n'));
    expect(out.extracted_text).not.toContain('Operating margin');
    expect(out.page_count).toBe(2);
  });

  it('accepts the bytes as a Node Buffer', async () => {
    const out = await extract({ input_file: ref('buffer') });
    expect(out.extracted_text).toContain('Revenue reached $10.5 million');
  });

  it('returns empty text for a page without text', async () => {
    expect(await extract({ input_file: ref('empty') })).toEqual({ extracted_text: '', page_count: 1 });
  });

  it('runs several extractions at once', async () => {
    const outs = await Promise.all([1, 2, 3, 4].map(() => extract({ input_file: ref('report') })));
    for (const out of outs) expect(out.page_count).toBe(2);
  });

  it('fails with FILE_NOT_FOUND, naming the file_id, when the file does not exist', async () => {
    const failure = await applicationFailureOf(extract({ input_file: ref('missing') }));
    expect(failure.type).toBe('FILE_NOT_FOUND');
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toContain("'missing'");
  });

  it('fails with UNSUPPORTED_FILE_TYPE for bytes without a %PDF- header', async () => {
    const failure = await applicationFailureOf(extract({ input_file: ref('text') }));
    expect(failure.type).toBe('UNSUPPORTED_FILE_TYPE');
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toContain('notes.txt');
  });

  it('fails with PDF_INVALID for a corrupt PDF', async () => {
    const failure = await applicationFailureOf(extract({ input_file: ref('corrupt') }));
    expect(failure.type).toBe('PDF_INVALID');
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toMatch(/^Failed to process PDF: /);
  });

  it('fails with PDF_PASSWORD_PROTECTED for an encrypted PDF', async () => {
    const failure = await applicationFailureOf(extract({ input_file: ref('locked') }));
    expect(failure.type).toBe('PDF_PASSWORD_PROTECTED');
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toBe('Failed to process PDF: File is password protected');
  });

  it('rejects a missing or malformed input_file as INVALID_PARAMETERS', async () => {
    const missing = await applicationFailureOf(extract({}));
    expect(missing.type).toBe('INVALID_PARAMETERS');
    expect(missing.nonRetryable).toBe(true);
    expect(missing.message).toBe('input_file: is required');

    const noId = await applicationFailureOf(extract({ input_file: { name: 'a.pdf' } }));
    expect(noId.message).toBe('input_file.file_id: is required');

    const badMode = await applicationFailureOf(extract({ input_file: ref('report'), extraction_mode: 'all' }));
    expect(badMode.type).toBe('INVALID_PARAMETERS');
    expect(badMode.message).toMatch(/^extraction_mode: /);
  });

  it('reports progress once per page', async () => {
    const messages: string[] = [];
    const files = memoryFiles({ report: { bytes: await makePdf([PAGE_ONE, PAGE_TWO]) } });
    const params = pdfExtractor.params.parse({ input_file: ref('report') });
    await pdfExtractor.run(params, { files, progress: (m) => messages.push(m) });
    expect(messages).toEqual(['Processing page 1 of 2', 'Processing page 2 of 2']);
  });
});
