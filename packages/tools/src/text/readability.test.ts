import { describe, expect, it } from 'vitest';
import { readability, readabilityCounts } from './readability';
import { words } from './words';

describe('readability', () => {
  it('counts sentences, words, letters and syllables, numbers left out', () => {
    const counts = readabilityCounts([
      words('The cat sat on the mat.'),
      words('Revenue grew 15% in 2023.'),
      words('2024'),
    ]);
    // "Revenue" has three syllables, the other words one each.
    expect(counts).toEqual({ sentences: 2, words: 9, syllables: 11, letters: 30, polysyllables: 1 });
  });

  it('applies the published formulas', () => {
    const scores = readability({ sentences: 2, words: 20, syllables: 30, letters: 90, polysyllables: 2 });
    // Flesch: 206.835 - 1.015 * 10 - 84.6 * 1.5 = 69.785; Flesch-Kincaid: 0.39 * 10 + 11.8 * 1.5 - 15.59 = 6.01.
    expect(scores).toMatchObject({
      flesch_reading_ease: 69.8,
      flesch_kincaid_grade: 6,
      gunning_fog: 8,
      reading_ease: 'standard',
    });
    expect(scores.automated_readability_index).toBeCloseTo(4.71 * 4.5 + 0.5 * 10 - 21.43, 1);
  });

  it('ranks plain text easier than dense text', () => {
    const plain = readability(readabilityCounts([words('We sold more. The team was glad. Costs went down.')]));
    const dense = readability(
      readabilityCounts([
        words(
          'Consolidated operational profitability deteriorated considerably, notwithstanding extraordinary administrative rationalization.',
        ),
      ]),
    );
    expect(plain.flesch_reading_ease).toBeGreaterThan(dense.flesch_reading_ease);
    expect(plain.flesch_kincaid_grade).toBeLessThan(dense.flesch_kincaid_grade);
    expect(dense.reading_ease).toBe('very difficult');
  });

  it('scores a text without words as 0', () => {
    expect(readability(readabilityCounts([words('2023 2024')]))).toMatchObject({
      flesch_reading_ease: 0,
      average_syllables_per_word: 0,
    });
  });
});
