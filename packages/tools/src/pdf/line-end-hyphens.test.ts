import { describe, expect, it } from 'vitest';
import { joinLineEndHyphens } from './line-end-hyphens';

describe('joinLineEndHyphens', () => {
  it('joins a word broken before a lower-case letter, moving it to the upper line', () => {
    expect(joinLineEndHyphens('the copy-\nright holder\nsigns')).toBe('the copyright\nholder\nsigns');
    expect(joinLineEndHyphens('a 59.98% accu-\nracy')).toBe('a 59.98% accuracy');
  });

  it('keeps the line end when the broken word was all the lower line held, and a blank line after it', () => {
    expect(joinLineEndHyphens('die Hypo-\ntenuse\nb a')).toBe('die Hypotenuse\nb a');
    expect(joinLineEndHyphens('ein Kör-\nper.\n\nNext')).toBe('ein Körper.\n\nNext');
  });

  it('keeps a real hyphen: before a capital, and where the text writes the hyphenated word and never the joined one', () => {
    expect(joinLineEndHyphens('die Weingarten-\nAbbildung')).toBe('die Weingarten-Abbildung');
    expect(joinLineEndHyphens('a well-known fact, well-\nknown to all')).toBe('a well-known fact, well-known\nto all');
  });

  it('drops a soft hyphen, and leaves dashes, numbers and paragraph breaks alone', () => {
    expect(joinLineEndHyphens('infor\u00AD\nmation')).toBe('information');
    expect(joinLineEndHyphens('pages 10-\n12')).toBe('pages 10-\n12');
    expect(joinLineEndHyphens('a list -\nitem')).toBe('a list -\nitem');
    expect(joinLineEndHyphens('end-\n\nnext')).toBe('end-\n\nnext');
  });
});
