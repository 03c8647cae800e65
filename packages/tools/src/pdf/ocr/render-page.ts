import type { PDFPageProxy } from 'pdfjs-dist';
import { MAX_OCR_PIXELS, MAX_OCR_SIDE_PX, OCR_RENDER_DPI } from './ocr-limits';

/** A page rendered for OCR. */
export interface PageImage {
  /** The page as a PNG file. */
  png: Uint8Array;
  width: number;
  height: number;
  /** The resolution it was rendered at: `OCR_RENDER_DPI`, or less for a page too large for `MAX_OCR_PIXELS`. */
  dpi: number;
}

// PDF user space has 72 units to the inch.
const PDF_UNITS_PER_INCH = 72;

/**
 * Renders a page with pdf.js on an @napi-rs/canvas canvas (pdf.js's own Node canvas factory),
 * white background, at `OCR_RENDER_DPI` or the highest resolution within the pixel limits,
 * and encodes it as PNG (what Tesseract reads). The canvas is released before returning.
 */
export async function renderPageImage(page: PDFPageProxy): Promise<PageImage> {
  const unit = page.getViewport({ scale: 1 });
  const dpi = renderDpi(unit.width, unit.height);
  const viewport = page.getViewport({ scale: dpi / PDF_UNITS_PER_INCH });
  const width = Math.max(1, Math.floor(viewport.width));
  const height = Math.max(1, Math.floor(viewport.height));
  const { createCanvas } = await import('@napi-rs/canvas');
  const canvas = createCanvas(width, height);
  try {
    // `canvas` is typed as a DOM canvas (not in this project's libs); @napi-rs/canvas implements
    // what pdf.js draws with, and is what pdf.js itself uses in Node.
    await page.render({ canvas: canvas as never, viewport, background: 'white' }).promise;
    const png = await canvas.encode('png');
    return { png: new Uint8Array(png.buffer, png.byteOffset, png.byteLength), width, height, dpi };
  } finally {
    // Frees the pixel buffer now rather than at the next garbage collection.
    canvas.width = 0;
    canvas.height = 0;
  }
}

/** The resolution for a page of `width` × `height` PDF units: `OCR_RENDER_DPI` unless that breaks a limit. */
export function renderDpi(width: number, height: number): number {
  const inches = { w: width / PDF_UNITS_PER_INCH, h: height / PDF_UNITS_PER_INCH };
  const byPixels = Math.sqrt(MAX_OCR_PIXELS / (inches.w * inches.h));
  const bySide = MAX_OCR_SIDE_PX / Math.max(inches.w, inches.h);
  return Math.min(OCR_RENDER_DPI, byPixels, bySide);
}
