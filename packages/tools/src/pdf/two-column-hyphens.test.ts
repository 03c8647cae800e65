import { PDFDocument, StandardFonts } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { extractPdfText } from './extract-pdf-text';

const every = (pageCount: number): number[] => Array.from({ length: pageCount }, (_, i) => i + 1);

/** Two columns drawn left then right, as a paper's producer draws them, with words broken at line ends. */
async function twoColumnPage(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.TimesRoman);
  const page = doc.addPage([612, 792]);
  const left = [
    'We perform an ablation study to confirm',
    'that providing the target im-',
    'proves the accu-',
    'racy of the model.',
  ];
  const right = ['The right column starts here and the', 'copy-', 'right stays with the authors.'];
  left.forEach((line, i) => page.drawText(line, { x: 50, y: 700 - i * 14, size: 11, font }));
  right.forEach((line, i) => page.drawText(line, { x: 320, y: 700 - i * 14, size: 11, font }));
  return doc.save();
}

describe('extractPdfText: a two-column page with line-end hyphens', () => {
  it('reads the left column before the right and joins the broken words', async () => {
    const pdf = await extractPdfText(await twoColumnPage(), { selectPages: every });
    expect(pdf.text).toBe(
      [
        'We perform an ablation study to confirm',
        'that providing the target improves',
        'the accuracy',
        'of the model.',
        'The right column starts here and the',
        'copyright',
        'stays with the authors.',
        '\f',
      ].join('\n'),
    );
  });
});
