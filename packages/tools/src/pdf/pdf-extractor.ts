import { z } from 'zod';
import { FileValue } from '@ordo/core';
import { MAX_TEXT_CHARS } from '../text-limit';
import { defineTool } from '../tool-definition';
import { ToolError } from '../tool-error';
import { extractPdfText } from './extract-pdf-text';
import { pageList, parsePageRanges, selectPages } from './page-ranges';
import { hasPdfSignature } from './pdf-signature';
import { PdfMetadata } from './pdf-metadata';
import { MAX_OCR_PAGES, MAX_OCR_TOTAL_MS } from './ocr/ocr-limits';
import { OcrMode, PageOcr } from './ocr/page-ocr';
import {
  MAX_DECODED_DOCUMENT_BYTES,
  MAX_DECODED_PAGE_BYTES,
  MAX_DECODED_STREAM_BYTES,
  MAX_IMAGE_PIXELS,
  MAX_PDF_PAGES,
  MAX_TEXT_EXTRACTION_MS,
} from './input-bounds';

// Loading the file and the document, and the text-too-large checks, beyond the two bounded reads.
const PDF_EXTRACTOR_TIMEOUT_MARGIN_S = 180;

/**
 * The failure of a document whose pages read hold no text at all: the cause, and the remedy
 * (OCR, unless it ran and found nothing).
 */
export function noTextLayerMessage(pages: readonly number[], ocr: OcrMode): string {
  const cause = `Failed to process PDF: ${pageList(pages)} ${pages.length === 1 ? 'has' : 'have'} no text layer (scanned images)`;
  return ocr === 'never'
    ? `${cause}; run with ocr: auto to read ${pages.length === 1 ? 'it' : 'them'} by OCR`
    : `${cause} and OCR found no text in them (blank or unreadable images)`;
}

/** `note` when some of the pages read have no text layer and others do, or OCR read pages. */
export function pagesWithoutTextNote(withoutText: readonly number[], ocrPages: readonly number[]): string | undefined {
  const notes: string[] = [];
  const unread = withoutText.filter((page) => !ocrPages.includes(page));
  if (unread.length > 0) {
    notes.push(
      `${capitalised(pageList(unread))} ${unread.length === 1 ? 'has' : 'have'} no text layer (scanned images or blank); ` +
        'their text, if any, is missing (run with ocr: auto to read them by OCR).',
    );
  }
  if (ocrPages.length > 0) {
    notes.push(
      `${capitalised(pageList(ocrPages))} ${ocrPages.length === 1 ? 'was' : 'were'} read by OCR; ` +
        'recognised text may have errors.',
    );
  }
  return notes.length > 0 ? notes.join(' ') : undefined;
}

export const PdfExtractorParams = z
  .object({
    // Without `content_url` (set only for external tools): the catalog contract of 1.x stays as registered.
    input_file: FileValue.omit({ content_url: true }).describe(
      'The PDF to read: a file reference ({ file_id, name }) from an upload.',
    ),
    extraction_mode: z
      .enum(['full', 'first_page', 'pages'])
      .default('full')
      .describe(
        "'full' reads every page, 'first_page' only the first, 'pages' those listed in `pages`; defaults to 'full'.",
      ),
    pages: z
      .string()
      .superRefine((spec, ctx) => {
        const parsed = parsePageRanges(spec);
        if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.message });
      })
      .optional()
      .describe(
        'With extraction_mode \'pages\': the pages to read, 1-based numbers and ranges separated by commas, e.g. "1-3,7". ' +
          'Read once each, in document order.',
      ),
    include_annotations: z
      .boolean()
      .default(true)
      .describe(
        'Adds, after each page\'s text, its filled form-field values as lines "[form] <label>: <value>" and the text ' +
          'of its annotations (text boxes, sticky notes) as lines "[note] <text>"; false leaves them out. Defaults to true.',
      ),
    ocr: OcrMode.default('auto').describe(
      "Reading pages by OCR (rendered, then read by Tesseract, English): 'auto' only pages without a text layer " +
        "(scans), 'always' every page (its text layer ignored), 'never' none (a document without text then fails " +
        `with PDF_NO_TEXT_LAYER). At most ${MAX_OCR_PAGES} pages per step: every page's text layer is read first, and ` +
        "a step that needs more fails with RESOURCE_LIMIT_EXCEEDED before any OCR. Defaults to 'auto'.",
    ),
  })
  // Refinements keep the object a ZodObject in zod 4, so its JSON Schema still lists the fields.
  .superRefine((params, ctx) => {
    if (params.extraction_mode === 'pages' && params.pages === undefined) {
      ctx.addIssue({ code: 'custom', path: ['pages'], message: "is required when extraction_mode is 'pages'" });
    }
    if (params.extraction_mode !== 'pages' && params.pages !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['pages'],
        message: `is only read when extraction_mode is 'pages', not '${params.extraction_mode}'`,
      });
    }
  });
export type PdfExtractorParams = z.infer<typeof PdfExtractorParams>;

export const PdfExtractorOutputs = z.object({
  extracted_text: z
    .string()
    .describe(
      'The text of the pages read, line by line, paragraphs separated by a blank line, words hyphenated across ' +
        'line ends joined; each page\'s form-field values ("[form] …") and annotation texts ("[note] …") follow its ' +
        "text. Pages are marked as pdftotext marks them: a form feed (\\f) ends each page's last line, and each page " +
        'before the last read that has no text or was not read is a form feed alone, so the text of page n follows ' +
        'n - 1 form feeds.',
    ),
  page_count: z.number().int().nonnegative().describe('Pages in the document, whichever were read.'),
  pages_read: z.number().int().nonnegative().describe('Pages whose text was read.'),
  ocr_pages: z
    .array(z.number().int().positive())
    .describe('The pages whose text was read by OCR, in order; empty when none was.'),
  metadata: PdfMetadata.describe(
    'What the document says about itself (title, author, creation date, ...), where it says it.',
  ),
  note: z
    .string()
    .optional()
    .describe('Something the reader of the text should know, e.g. which pages have no text layer or were read by OCR.'),
});
export type PdfExtractorOutputs = z.infer<typeof PdfExtractorOutputs>;

/** pdf_extractor's thread heap: pdf.js reading `MAX_TEXT_CHARS` characters of text takes about 200 MiB. */
export const PDF_EXTRACTOR_MEMORY_MIB = 1024;

/**
 * pdf_extractor's thread's young generation: 64 MiB semi-spaces instead of V8's 16. pdf.js makes
 * short-lived objects for every glyph and operator; with 4× the room they are scavenged a quarter
 * as often (about a tenth less CPU per page, docs/design/documents.md "Extraction speed") for at
 * most 144 MiB more of a thread's memory.
 */
export const PDF_EXTRACTOR_YOUNG_GENERATION_MIB = 192;

/** Reads the text and metadata of an uploaded PDF. */
export const pdfExtractor = defineTool({
  tool_id: 'pdf_extractor',
  name: 'PDF Text Extractor',
  description:
    'Extracts the text of an uploaded PDF (all pages, the first, or a list such as "1-3,7"), line by line, ' +
    'pages marked by form feeds as pdftotext marks them, with the page count and the document metadata. ' +
    'Fails without retry for a password-protected, corrupt or non-PDF file, or one whose text is over ' +
    `${MAX_TEXT_CHARS} characters. Pages without a text layer (scans) are read by OCR (ocr: auto), after every ` +
    `page's text layer, at most ${MAX_OCR_PAGES} a step (more fail before any OCR with RESOURCE_LIMIT_EXCEEDED); ` +
    'with ocr: never, or when OCR finds nothing, a document without text fails with PDF_NO_TEXT_LAYER. ' +
    'Filled form fields and annotations are included as marked lines unless include_annotations is false. ' +
    `A file is read within bounds, past which it fails with RESOURCE_LIMIT_EXCEEDED: a stream inflating past ${mib(MAX_DECODED_STREAM_BYTES)} ` +
    `(${mib(MAX_DECODED_PAGE_BYTES)} a page, ${mib(MAX_DECODED_DOCUMENT_BYTES)} a document), more than ${MAX_PDF_PAGES} pages ` +
    `or ${MAX_TEXT_EXTRACTION_MS / 1000} s of text reading a step; images over ${MAX_IMAGE_PIXELS / 1_000_000} megapixels are left ` +
    'out of OCR; JavaScript in a file never runs.',
  // 2.2.0: form fields and annotations, joined hyphens, a scan fails. 2.3.0: OCR (`ocr`,
  // `ocr_pages`). 2.4.0: bounds on hostile files (input-bounds.ts). 2.5.0: text layers first, a
  // step needing OCR on more than MAX_OCR_PAGES pages fails before any OCR. 2.6.0: pages marked
  // with form feeds as pdftotext marks them, a tab between a table's cells, a wrapped header
  // joined column by column, a bound on all of a step's OCR and a default timeout above the
  // tool's bounds. The catalog keeps older versions (a registered version never changes); steps
  // pinned to them run this code too: a built-in's minor versions are backward compatible
  // (docs/design/tool-catalog.md, "Built-in versions"; built-in-versions.test.ts).
  version: '2.6.0',
  parameters: PdfExtractorParams,
  outputs: PdfExtractorOutputs,
  // An attempt may read text for MAX_TEXT_EXTRACTION_MS and then OCR for MAX_OCR_TOTAL_MS: the
  // platform's 300 s would cut a legitimate 50-page scan short and retry it from the start.
  defaults: { timeout_seconds: (MAX_TEXT_EXTRACTION_MS + MAX_OCR_TOTAL_MS) / 1000 + PDF_EXTRACTOR_TIMEOUT_MARGIN_S },
  // No heartbeat timeout of its own: the platform's 15 s is how soon an attempt on a crashed
  // worker is retried. The work runs in a thread of its own (below), so the activity
  // heartbeats every 2 s however long the tool computes.
  thread: {
    module: import.meta.url,
    memoryLimitMiB: PDF_EXTRACTOR_MEMORY_MIB,
    youngGenerationMiB: PDF_EXTRACTOR_YOUNG_GENERATION_MIB,
  },
  async run({ input_file, extraction_mode, pages, include_annotations, ocr }, ctx) {
    const file = await ctx.files.read(input_file.file_id);
    if (file === undefined) {
      throw new ToolError('FILE_NOT_FOUND', `File '${input_file.file_id}' (${input_file.name}) not found`);
    }
    if (!hasPdfSignature(file.bytes)) {
      throw new ToolError(
        'UNSUPPORTED_FILE_TYPE',
        `Failed to process PDF: file '${file.name}' is not a PDF (stored as ${file.mime_type}; no %PDF- header)`,
      );
    }
    // Every page's text layer is read first ("Processing page"), then the pages OCR wants
    // ("OCR page"), each pass reporting its own share (a page's OCR takes seconds).
    const pageOcr =
      ocr === 'never'
        ? undefined
        : new PageOcr({
            mode: ocr,
            onPage: (page, pageCount, reached) => ctx.progress(`OCR page ${page} of ${pageCount}`, reached),
          });
    try {
      const pdf = await extractPdfText(file.bytes, {
        selectPages: (pageCount) => pagesToRead(extraction_mode, pages, pageCount),
        onPage: (page, pageCount, reached) => ctx.progress(`Processing page ${page} of ${pageCount}`, reached),
        signal: ctx.signal,
        fileName: file.name,
        maxTextChars: MAX_TEXT_CHARS,
        includeAnnotations: include_annotations,
        ...(pageOcr === undefined ? {} : { ocr: pageOcr }),
      });
      if (pdf.pagesRead > 0 && pdf.text.trim().length === 0) {
        throw new ToolError('PDF_NO_TEXT_LAYER', noTextLayerMessage(pdf.pagesWithoutText, ocr));
      }
      const ocrPages = pageOcr?.pages ?? [];
      const outputs: PdfExtractorOutputs = {
        extracted_text: pdf.text,
        page_count: pdf.pageCount,
        pages_read: pdf.pagesRead,
        ocr_pages: [...ocrPages],
        metadata: pdf.metadata,
      };
      const note = pagesWithoutTextNote(pdf.pagesWithoutText, ocrPages);
      if (note !== undefined) outputs.note = note;
      return outputs;
    } finally {
      await pageOcr?.close();
    }
  },
});

function pagesToRead(
  mode: PdfExtractorParams['extraction_mode'],
  spec: string | undefined,
  pageCount: number,
): number[] {
  switch (mode) {
    case 'full':
      return Array.from({ length: pageCount }, (_, i) => i + 1);
    case 'first_page':
      return pageCount > 0 ? [1] : [];
    case 'pages': {
      // The schema has checked the syntax; only the document can say whether the pages exist.
      const parsed = parsePageRanges(spec ?? '');
      const selected = parsed.ok ? selectPages(parsed.ranges, pageCount) : parsed;
      if (!selected.ok) throw new ToolError('INVALID_PARAMETERS', `pages: ${selected.message}`);
      return selected.pages;
    }
  }
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function mib(bytes: number): string {
  return bytes >= 2 ** 30 ? `${bytes / 2 ** 30} GiB` : `${bytes / 2 ** 20} MiB`;
}
