/*
 * The bounds of OCR in one pdf_extractor run. Pages are rendered and read one at a time, so
 * memory is that of one page image (at most MAX_OCR_PIXELS) plus Tesseract's model, whatever
 * the page count.
 */

/** The most pages one run reads by OCR (about 1–5 s each): more fail the step, naming the pages option as the remedy. */
export const MAX_OCR_PAGES = 50;

/** The resolution pages are rendered at for OCR: Tesseract reads body text best at about 300 dpi. */
export const OCR_RENDER_DPI = 300;

/**
 * The most pixels of one rendered page (an A4 or Letter page at 300 dpi is about 8.7 million):
 * a larger page is rendered at a lower resolution so that it fits, which bounds the image
 * (4 bytes a pixel: 64 MiB) and Tesseract's work on it.
 */
export const MAX_OCR_PIXELS = 16_000_000;

/** The longest side of a rendered page, in pixels (a canvas and Tesseract both refuse very long images). */
export const MAX_OCR_SIDE_PX = 10_000;

/**
 * The longest one page's OCR may take (a dense page takes about 10 s on a loaded 2-core
 * machine): past it the step fails rather than wait on a Tesseract thread that may have died
 * (tesseract.js does not notice its thread's crash, so its promise would never settle).
 */
export const MAX_OCR_PAGE_MS = 180_000;

/**
 * The longest all of one run's OCR may take. Fifty pages at a few seconds each fit well
 * within it; fifty very large images on a loaded machine (up to MAX_OCR_PAGE_MS each) would
 * not, and would otherwise run into the step's timeout and be retried from the start, each
 * attempt as long. Past it the step fails, naming the pages read and a part that fits.
 */
export const MAX_OCR_TOTAL_MS = 600_000;
