import { PDFDocument, PDFName, PDFString, StandardFonts } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { extractPdfText } from './extract-pdf-text';

const every = (pageCount: number): number[] => Array.from({ length: pageCount }, (_, i) => i + 1);

/** A one-page form: labels drawn as text, a filled text field, a choice, a ticked and an empty box, a FreeText note. */
async function filledForm(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const page = doc.addPage([612, 792]);
  page.drawText('Application form', { x: 50, y: 740, size: 16, font });
  page.drawText('Full name:', { x: 50, y: 700, size: 12, font });
  page.drawText('Country:', { x: 50, y: 670, size: 12, font });
  page.drawText('Newsletter', { x: 80, y: 640, size: 12, font });
  page.drawText('Terms accepted', { x: 80, y: 610, size: 12, font });
  const form = doc.getForm();
  const name = form.createTextField('applicant.name');
  name.setText('Jane   Doe');
  name.addToPage(page, { x: 150, y: 695, width: 200, height: 20, font });
  const country = form.createDropdown('applicant.country');
  country.addOptions(['Spain', 'Norway']);
  country.select('Norway');
  country.addToPage(page, { x: 150, y: 665, width: 200, height: 20, font });
  const news = form.createCheckBox('newsletter');
  news.addToPage(page, { x: 50, y: 637, width: 14, height: 14 });
  const terms = form.createCheckBox('terms');
  terms.addToPage(page, { x: 50, y: 607, width: 14, height: 14 });
  terms.check();
  // A FreeText annotation (a text box a reviewer typed on the page).
  const note = doc.context.obj({
    Type: 'Annot',
    Subtype: 'FreeText',
    Rect: [50, 500, 300, 530],
    Contents: PDFString.of('Reviewed by the clerk'),
    DA: PDFString.of('/Helv 12 Tf 0 g'),
  });
  page.node.set(PDFName.of('Annots'), doc.context.obj([...page.node.Annots()!.asArray(), doc.context.register(note)]));
  return doc.save();
}

describe('extractPdfText: form fields and annotations', () => {
  it('adds filled field values, labelled by the text beside them, and annotation text as marked lines', async () => {
    const pdf = await extractPdfText(await filledForm(), { selectPages: every, includeAnnotations: true });
    expect(pdf.text).toBe(
      [
        'Application form',
        'Full name:',
        'Country:',
        'Newsletter',
        'Terms accepted',
        '',
        '[note] Reviewed by the clerk',
        '[form] Full name: Jane Doe',
        '[form] Country: Norway',
        '[form] Terms accepted: checked',
        '\f',
      ].join('\n'),
    );
    expect(pdf.pagesWithoutText).toEqual([]);
  });

  it('leaves them out when not asked for', async () => {
    const pdf = await extractPdfText(await filledForm(), { selectPages: every });
    expect(pdf.text).not.toContain('Jane');
    expect(pdf.text).not.toContain('[note]');
  });
});
