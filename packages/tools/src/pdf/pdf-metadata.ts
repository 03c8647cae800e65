import { z } from 'zod';

/** What a PDF says about itself; each field only when the document states it. */
export const PdfMetadata = z.object({
  title: z.string().optional().describe('The document title from its info dictionary (or XMP dc:title).'),
  author: z.string().optional().describe('Who wrote the document.'),
  subject: z.string().optional().describe('What the document is about.'),
  creator: z.string().optional().describe('The application the document was authored in.'),
  producer: z.string().optional().describe('The application that wrote the PDF.'),
  creation_date: z
    .string()
    .optional()
    .describe(
      'When the document was created, as an ISO 8601 timestamp; left out when the PDF states none or an unreadable one.',
    ),
});
export type PdfMetadata = z.infer<typeof PdfMetadata>;

/** The parts of pdf.js's `getMetadata()` answer this reads. */
export interface PdfjsMetadata {
  info: unknown;
  metadata: { get(name: string): unknown } | null;
}

/**
 * Metadata from pdf.js's answer: the info dictionary first, XMP (dc:title, dc:creator) for
 * a title or author the dictionary lacks. `parseDate` turns a PDF date string
 * ("D:20240131090000Z") into a Date, or null when it cannot.
 */
export function pdfMetadata(raw: PdfjsMetadata, parseDate: (value: string) => Date | null): PdfMetadata {
  const info = typeof raw.info === 'object' && raw.info !== null ? (raw.info as Record<string, unknown>) : {};
  const xmp = (name: string): string | undefined => text(raw.metadata?.get(name));
  const out: PdfMetadata = {};
  const set = (key: Exclude<keyof PdfMetadata, 'creation_date'>, value: string | undefined): void => {
    if (value !== undefined) out[key] = value;
  };
  set('title', text(info.Title) ?? xmp('dc:title'));
  set('author', text(info.Author) ?? xmp('dc:creator'));
  set('subject', text(info.Subject));
  set('creator', text(info.Creator));
  set('producer', text(info.Producer));
  const created = text(info.CreationDate);
  const date = created === undefined ? null : parseDate(created);
  if (date !== null && !Number.isNaN(date.getTime())) out.creation_date = date.toISOString();
  return out;
}

/** A non-empty trimmed string, or undefined; XMP lists (several creators) are joined. */
function text(value: unknown): string | undefined {
  const joined = Array.isArray(value) ? value.filter((v) => typeof v === 'string').join(', ') : value;
  if (typeof joined !== 'string') return undefined;
  // Some producers pad fields with NULs or spaces.
  const trimmed = joined.replace(/\0/g, '').trim();
  return trimmed.length > 0 ? trimmed : undefined;
}
