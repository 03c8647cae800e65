import { describe, expect, it } from 'vitest';
import { phraseRecall } from './phrases';

describe('phrase recall', () => {
  it('collapses whitespace, newlines included', () => {
    expect(phraseRecall('Total company\n  sales were $33.9 billion', ['Total company sales were'], 'en')).toEqual({
      found: 1,
      total: 1,
      missing: [],
    });
  });

  it('ignores whitespace entirely in Japanese and Chinese', () => {
    expect(phraseRecall('株主 資本 等 変動\n計算書', ['株主資本等変動計算書'], 'ja').found).toBe(1);
    expect(phraseRecall('株主 資本', ['株主資本'], 'en').found).toBe(0);
  });

  it('names the phrases it misses', () => {
    expect(phraseRecall('First name:', ['First name: Lucía'], 'en').missing).toEqual(['First name: Lucía']);
  });
});
