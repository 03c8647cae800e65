import { z } from 'zod';
import { FileValue } from '@ordo/core';
import { defineTool } from '../tool-definition';
import { ToolError } from '../tool-error';
import { extractPdfText } from './extract-pdf-text';
import { hasPdfSignature } from './pdf-signature';

export const PdfExtractorParams = z.object({
  input_file: FileValue.describe('The PDF to read: a file reference ({ file_id, name }) from an upload.'),
  extraction_mode: z
    .enum(['full', 'first_page'])
    .default('full')
    .describe("'full' reads every page, 'first_page' only the first; defaults to 'full'."),
});
export type PdfExtractorParams = z.infer<typeof PdfExtractorParams>;

/** Reads the text of an uploaded PDF. */
export const pdfExtractor = defineTool({
  tool_id: 'pdf_extractor',
  name: 'PDF Text Extractor',
  description:
    'Extracts the text of an uploaded PDF, line by line, pages separated by a blank line. ' +
    'Outputs the text and the number of pages in the document.',
  version: '1.1.0',
  outputs: z.object({
    extracted_text: z.string().describe('The text of the pages read, line by line, pages separated by a blank line.'),
    page_count: z.number().int().nonnegative().describe('Pages in the document, whichever were read.'),
  }),
  defaults: { heartbeat_timeout_seconds: 30 },
  params: PdfExtractorParams,
  async run({ input_file, extraction_mode }, { files, progress, signal }) {
    const file = await files.read(input_file.file_id);
    if (file === undefined) {
      throw new ToolError('FILE_NOT_FOUND', `File '${input_file.file_id}' (${input_file.name}) not found`);
    }
    if (!hasPdfSignature(file.bytes)) {
      throw new ToolError('UNSUPPORTED_FILE_TYPE', `File '${file.name}' is not a PDF (stored as ${file.mime_type}); expected a %PDF- header`);
    }
    const pdf = await extractPdfText(file.bytes, {
      mode: extraction_mode,
      onPage: (page, pages) => {
        // Between pages is the safe point to stop a cancelled job.
        signal.throwIfAborted();
        progress(`Processing page ${page} of ${pages}`, page / pages);
      },
    });
    return { extracted_text: pdf.text, page_count: pdf.pageCount };
  },
});
