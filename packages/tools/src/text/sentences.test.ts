import { describe, expect, it } from 'vitest';
import { splitSentences } from './sentences';

const texts = (text: string) => splitSentences(text).map((s) => s.text);

describe('splitSentences', () => {
  it('splits on sentence punctuation but not inside numbers or after abbreviations and initials', () => {
    expect(texts('Dr. J. Smith of Acme Corp. said revenue was $10.5 million. The U.S. market grew 3.5% in 2023! Was it "great"? Yes.')).toEqual([
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
      { text: 'Executive Summary', paragraph: 0 },
      { text: 'Results were strong in the first half and we expect continued momentum, with improvements in margins.', paragraph: 0 },
      { text: 'First item', paragraph: 0 },
      { text: 'Second item', paragraph: 0 },
      { text: 'Outlook', paragraph: 1 },
      { text: 'Next year looks good.', paragraph: 1 },
    ]);
  });

  it('finds nothing in text without words', () => {
    expect(splitSentences(' \n\n ... -- \n')).toEqual([]);
  });
});
