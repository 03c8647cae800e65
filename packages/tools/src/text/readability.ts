import { syllable } from 'syllable';
import { z } from 'zod';

/** Classic readability scores of a text (English formulas). */
export const Readability = z.object({
  flesch_reading_ease: z
    .number()
    .describe('Flesch Reading Ease (1948): 0-100, higher is easier; 60-70 is plain English.'),
  flesch_kincaid_grade: z
    .number()
    .describe('Flesch-Kincaid Grade Level (1975): the US school grade needed to read it.'),
  gunning_fog: z.number().describe('Gunning fog index (1952): years of schooling needed on a first reading.'),
  smog_index: z.number().describe('SMOG grade (1969), from words of three or more syllables.'),
  coleman_liau_index: z.number().describe('Coleman-Liau index (1975), from letters per word rather than syllables.'),
  automated_readability_index: z.number().describe('Automated Readability Index (1967), from characters per word.'),
  reading_ease: z
    .enum(['very easy', 'easy', 'fairly easy', 'standard', 'fairly difficult', 'difficult', 'very difficult'])
    .describe("Flesch's own reading of the Reading Ease score."),
  average_syllables_per_word: z.number().describe('Syllables per word, as the `syllable` package counts them.'),
});
export type Readability = z.infer<typeof Readability>;

/** What the formulas need to know of a text; counted by `readabilityCounts`. */
export interface ReadabilityCounts {
  sentences: number;
  /** Words with letters in them (numbers have no syllables to count). */
  words: number;
  syllables: number;
  letters: number;
  /** Words of three or more syllables. */
  polysyllables: number;
}

/**
 * Counts sentences, words, letters and syllables. Syllables come from the `syllable`
 * package (English rules plus a dictionary of exceptions, better than a vowel count),
 * counted once per distinct word: a long document repeats its vocabulary.
 */
export function readabilityCounts(sentences: readonly (readonly string[])[]): ReadabilityCounts {
  const cache = new Map<string, number>();
  const counts: ReadabilityCounts = { sentences: 0, words: 0, syllables: 0, letters: 0, polysyllables: 0 };
  for (const tokens of sentences) {
    let words = 0;
    for (const token of tokens) {
      const letters = token.match(/\p{L}/gu)?.length ?? 0;
      if (letters === 0) continue;
      const word = token.toLowerCase();
      let count = cache.get(word);
      if (count === undefined) {
        count = Math.max(1, syllable(word));
        cache.set(word, count);
      }
      words++;
      counts.syllables += count;
      counts.letters += letters;
      if (count >= 3) counts.polysyllables++;
    }
    if (words > 0) {
      counts.words += words;
      counts.sentences++;
    }
  }
  return counts;
}

/**
 * The scores, by their published formulas (written out here: each is one line of
 * arithmetic over the counts). A text without words scores 0 throughout.
 */
export function readability(c: ReadabilityCounts): Readability {
  if (c.words === 0 || c.sentences === 0) {
    return {
      flesch_reading_ease: 0,
      flesch_kincaid_grade: 0,
      gunning_fog: 0,
      smog_index: 0,
      coleman_liau_index: 0,
      automated_readability_index: 0,
      reading_ease: 'very difficult',
      average_syllables_per_word: 0,
    };
  }
  const wordsPerSentence = c.words / c.sentences;
  const syllablesPerWord = c.syllables / c.words;
  const ease = 206.835 - 1.015 * wordsPerSentence - 84.6 * syllablesPerWord;
  return {
    flesch_reading_ease: round1(ease),
    flesch_kincaid_grade: round1(0.39 * wordsPerSentence + 11.8 * syllablesPerWord - 15.59),
    gunning_fog: round1(0.4 * (wordsPerSentence + (100 * c.polysyllables) / c.words)),
    smog_index: round1(1.043 * Math.sqrt((c.polysyllables * 30) / c.sentences) + 3.1291),
    coleman_liau_index: round1(0.0588 * ((100 * c.letters) / c.words) - 0.296 * ((100 * c.sentences) / c.words) - 15.8),
    automated_readability_index: round1(4.71 * (c.letters / c.words) + 0.5 * wordsPerSentence - 21.43),
    reading_ease: easeBand(ease),
    average_syllables_per_word: round1(syllablesPerWord),
  };
}

function easeBand(score: number): Readability['reading_ease'] {
  if (score >= 90) return 'very easy';
  if (score >= 80) return 'easy';
  if (score >= 70) return 'fairly easy';
  if (score >= 60) return 'standard';
  if (score >= 50) return 'fairly difficult';
  if (score >= 30) return 'difficult';
  return 'very difficult';
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}
