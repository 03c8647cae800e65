import { describe, expect, it } from 'vitest';
import { findSections } from './sections';
import type { SentenceKind } from './sentences';

const h = (text: string) => ({ text, kind: 'heading' as SentenceKind });
const p = (text: string) => ({ text, kind: 'prose' as SentenceKind });

describe('findSections', () => {
  it('splits at headings and gives each section the role its heading names', () => {
    const sentences = [
      h('Annual Report 2023'),
      h('Executive Summary'),
      p('Revenue rose.'),
      h('Results'),
      p('Costs fell.'),
      p('Margins widened.'),
      h('Notes'),
      p('Figures are rounded.'),
    ];
    expect(findSections(sentences)).toEqual([
      // The title has nothing under it before the next heading: no section.
      { heading: 'Executive Summary', role: 'lead', start: 2, end: 3 },
      { heading: 'Results', role: 'body', start: 4, end: 6 },
      { heading: 'Notes', role: 'back', start: 7, end: 8 },
    ]);
  });

  it('keeps everything after an appendix heading in the back matter', () => {
    const sentences = [
      p('Intro text.'),
      h('Appendix A: Tables'),
      p('Table one.'),
      h('Summary of Tables'),
      p('Both tables.'),
    ];
    expect(findSections(sentences).map((s) => [s.heading, s.role])).toEqual([
      [null, 'body'],
      ['Appendix A: Tables', 'back'],
      ['Summary of Tables', 'back'],
    ]);
  });

  it('makes one untitled section of text without headings', () => {
    expect(findSections([p('One.'), p('Two.')])).toEqual([{ heading: null, role: 'body', start: 0, end: 2 }]);
    expect(findSections([])).toEqual([]);
  });
});
