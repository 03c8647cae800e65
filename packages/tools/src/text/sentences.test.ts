import { describe, expect, it } from 'vitest';
import { splitSentences } from './sentences';

const texts = (text: string) => splitSentences(text).map((s) => s.text);

describe('splitSentences', () => {
  it('splits on sentence punctuation but not inside numbers or after abbreviations and initials', () => {
    expect(
      texts(
        'Dr. J. Smith of Acme Corp. said revenue was $10.5 million. The U.S. market grew 3.5% in 2023! Was it "great"? Yes.',
      ),
    ).toEqual([
      'Dr. J. Smith of Acme Corp. said revenue was $10.5 million.',
      'The U.S. market grew 3.5% in 2023!',
      'Was it "great"?',
      'Yes.',
    ]);
  });

  it('joins wrapped lines, undoes hyphenation, and keeps headings and bullets apart', () => {
    const text = [
      'Executive Summary',
      'Results were strong in the first half and we expect',
      'continued momentum, with improve-',
      'ments in margins.',
      '• First item',
      '• Second item',
      '',
      'Outlook',
      'Next year looks good.',
    ].join('\n');
    expect(splitSentences(text)).toEqual([
      { text: 'Executive Summary', paragraph: 0, kind: 'heading', page: null },
      {
        text: 'Results were strong in the first half and we expect continued momentum, with improvements in margins.',
        paragraph: 0,
        kind: 'prose',
        page: null,
      },
      { text: 'First item', paragraph: 0, kind: 'item', page: null },
      { text: 'Second item', paragraph: 0, kind: 'item', page: null },
      { text: 'Outlook', paragraph: 1, kind: 'heading', page: null },
      { text: 'Next year looks good.', paragraph: 1, kind: 'prose', page: null },
    ]);
  });

  it('takes a short unpunctuated line alone in its block, or introducing a list, for a heading', () => {
    const text =
      'Executive Summary\n\nRevenue rose. Costs fell.\n\nKey points\n- Margins widened\n\nquarterly revenue update';
    expect(splitSentences(text).map((s) => [s.kind, s.text])).toEqual([
      ['heading', 'Executive Summary'],
      ['prose', 'Revenue rose.'],
      ['prose', 'Costs fell.'],
      ['heading', 'Key points'],
      ['item', 'Margins widened'],
      // Lowercase: a fragment of prose, not a heading.
      ['prose', 'quarterly revenue update'],
    ]);
  });

  it('joins a sentence that a blank line cuts after a long unfinished line, but not a heading or a row', () => {
    const text = [
      'The following table includes information on all the tax jurisdictions in which the entities included in our',
      '',
      'Consolidated Financial Statements are resident for tax purposes.',
      '',
      'Tax information by country',
      '',
      'Spain 2,673 367 51',
    ].join('\n');
    expect(splitSentences(text, 'en').map((s) => [s.kind, s.text])).toEqual([
      [
        'prose',
        'The following table includes information on all the tax jurisdictions in which the entities included in our Consolidated Financial Statements are resident for tax purposes.',
      ],
      ['heading', 'Tax information by country'],
      ['row', 'Spain 2,673 367 51'],
    ]);
  });

  it('joins a sentence that a page end cuts, on the page it starts on, but not a heading on the next page', () => {
    // pdf_extractor's page marks: each page's last line ends with "\n\f", as pdftotext writes them.
    const text = [
      'Revenue grew in every region of the group this year, and the board thanks all of the people who',
      '\fmade that possible across the company.',
      '',
      'Outlook',
      '\fNext year looks good.',
      '\f',
    ].join('\n');
    expect(splitSentences(text, 'en').map((s) => [s.kind, s.page, s.text])).toEqual([
      [
        'prose',
        1,
        'Revenue grew in every region of the group this year, and the board thanks all of the people who made that possible across the company.',
      ],
      ['heading', 2, 'Outlook'],
      ['prose', 3, 'Next year looks good.'],
    ]);
  });

  it('cuts a run too long to be a sentence at word boundaries', () => {
    const run = Array.from({ length: 1_000 }, (_, i) => `word${i}`).join(' ');
    const pieces = texts(run);
    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces.every((p) => p.length <= 2_000)).toBe(true);
    expect(pieces.join(' ')).toBe(run);
  });

  it('finds nothing in text without words', () => {
    expect(splitSentences(' \n\n ... -- \n')).toEqual([]);
  });
});
