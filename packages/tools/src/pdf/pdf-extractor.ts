import { z } from 'zod';
import { FileValue } from '@ordo/core';
import { MAX_TEXT_CHARS } from '../text-limit';
import { defineTool } from '../tool-definition';
import { ToolError } from '../tool-error';
import { extractPdfText } from './extract-pdf-text';
import { parsePageRanges, selectPages } from './page-ranges';
import { hasPdfSignature } from './pdf-signature';
import { PdfMetadata } from './pdf-metadata';

/**
 * The failure of a document whose pages read hold no text at all: what the cause is, and the
 * remedy (none yet: OCR does not exist).
 */
export function noTextLayerMessage(pages: readonly number[]): string {
  return `Failed to process PDF: ${pageList(pages)} ${pages.length === 1 ? 'has' : 'have'} no text layer (scanned images); OCR is not available yet, so the text cannot be read`;
}

/** `note` when some of the pages read have no text layer and others do. */
export function someWithoutTextNote(pages: readonly number[]): string {
  return `${capitalised(pageList(pages))} ${pages.length === 1 ? 'has' : 'have'} no text layer (scanned images or blank); their text, if any, is missing (OCR is not available yet).`;
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
      'The text of the pages read, line by line, pages separated by a blank line, words hyphenated across line ' +
        'ends joined; each page\'s form-field values ("[form] …") and annotation texts ("[note] …") follow its text.',
    ),
  page_count: z.number().int().nonnegative().describe('Pages in the document, whichever were read.'),
  pages_read: z.number().int().nonnegative().describe('Pages whose text was read.'),
  metadata: PdfMetadata.describe(
    'What the document says about itself (title, author, creation date, ...), where it says it.',
  ),
  note: z
    .string()
    .optional()
    .describe('Something the reader of the text should know, e.g. which pages have no text layer.'),
});
export type PdfExtractorOutputs = z.infer<typeof PdfExtractorOutputs>;

/** pdf_extractor's thread heap: pdf.js reading `MAX_TEXT_CHARS` characters of text takes about 200 MiB. */
export const PDF_EXTRACTOR_MEMORY_MIB = 1024;

/** Reads the text and metadata of an uploaded PDF. */
export const pdfExtractor = defineTool({
  tool_id: 'pdf_extractor',
  name: 'PDF Text Extractor',
  description:
    'Extracts the text of an uploaded PDF (all pages, the first, or a list such as "1-3,7"), line by line, ' +
    'pages separated by a blank line, with the page count and the document metadata. ' +
    'Fails without retry for a password-protected, corrupt or non-PDF file, or one whose text is over ' +
    `${MAX_TEXT_CHARS} characters, and with PDF_NO_TEXT_LAYER when no page read has text (a scan: no OCR yet). ` +
    'Filled form fields and annotations are included as marked lines unless include_annotations is false.',
  // 2.2.0: form fields and annotations, joined hyphens, a scan fails. The catalog keeps 2.1.0
  // (a registered version never changes); steps pinned to it run this code too: a built-in's
  // minor versions are backward compatible (docs/design/tool-catalog.md, "Built-in versions";
  // built-in-versions.test.ts).
  version: '2.2.0',
  parameters: PdfExtractorParams,
  outputs: PdfExtractorOutputs,
  // No heartbeat timeout of its own: the platform's 15 s is how soon an attempt on a crashed
  // worker is retried. The work runs in a thread of its own (below), so the activity
  // heartbeats every 2 s however long the tool computes.
  thread: { module: import.meta.url, memoryLimitMiB: PDF_EXTRACTOR_MEMORY_MIB },
  async run({ input_file, extraction_mode, pages, include_annotations }, ctx) {
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
    const pdf = await extractPdfText(file.bytes, {
      selectPages: (pageCount) => pagesToRead(extraction_mode, pages, pageCount),
      onPage: (page, pageCount, fraction) => ctx.progress(`Processing page ${page} of ${pageCount}`, fraction),
      signal: ctx.signal,
      maxTextChars: MAX_TEXT_CHARS,
      includeAnnotations: include_annotations,
    });
    if (pdf.pagesRead > 0 && pdf.text.trim().length === 0) {
      throw new ToolError('PDF_NO_TEXT_LAYER', noTextLayerMessage(pdf.pagesWithoutText));
    }
    const outputs: PdfExtractorOutputs = {
      extracted_text: pdf.text,
      page_count: pdf.pageCount,
      pages_read: pdf.pagesRead,
      metadata: pdf.metadata,
    };
    if (pdf.pagesWithoutText.length > 0) outputs.note = someWithoutTextNote(pdf.pagesWithoutText);
    return outputs;
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

/** "page 2", "pages 1–3, 7": consecutive pages as ranges, with an en dash. */
function pageList(pages: readonly number[]): string {
  const ranges: string[] = [];
  for (let i = 0; i < pages.length; i++) {
    const start = pages[i]!;
    while (i + 1 < pages.length && pages[i + 1] === pages[i]! + 1) i++;
    ranges.push(pages[i] === start ? `${start}` : `${start}\u2013${pages[i]}`);
  }
  return `${pages.length === 1 ? 'page' : 'pages'} ${ranges.join(', ')}`;
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
