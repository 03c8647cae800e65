import type { Sentence } from './sentences';

/**
 * What a section is for a reader: the document's own summary (executive summary, abstract,
 * overview, highlights, introduction), its body, or back matter (appendix, glossary,
 * notes, references, disclaimers) that a summary should not quote.
 */
export type SectionRole = 'lead' | 'body' | 'back';

/** A run of sentences under one heading (or before the first). */
export interface Section {
  /** The heading that starts it; null for text before any heading. */
  heading: string | null;
  role: SectionRole;
  /** Index of its first sentence after the heading. */
  start: number;
  /** Index past its last sentence. */
  end: number;
}

const LEAD_HEADING =
  /\b(?:executive summary|summary|abstract|overview|highlights|key (?:findings|points|facts|figures)|at a glance|synopsis|introduction)\b/iu;
const BACK_HEADING =
  /\b(?:appendix|appendices|annex(?:es)?|exhibits?|glossary|notes?|footnotes|references|bibliography|sources|disclaimers?|legal notice|forward[- ]looking statements?|acknowledge?ments?|index|(?:table of )?contents|definitions|methodology|about (?:this|the) report)\b/iu;
// Everything after an appendix is back matter, whatever its sub-headings say ("A.1 Tables").
const APPENDIX_HEADING = /\b(?:appendix|appendices|annex(?:es)?|exhibits?)\b/iu;

/**
 * Splits sentences into sections at headings. A section's role comes from its heading;
 * once an appendix starts, every later section is back matter (an appendix's "Summary of
 * tables" is not the document's summary). Sections without any sentence under their heading (a title right above the
 * first heading) are left out.
 */
export function findSections(sentences: readonly Pick<Sentence, 'text' | 'kind'>[]): Section[] {
  const sections: Section[] = [];
  let current: Section = { heading: null, role: 'body', start: 0, end: 0 };
  let inAppendix = false;
  const close = (end: number): void => {
    current.end = end;
    if (current.end > current.start) sections.push(current);
  };
  for (const [index, sentence] of sentences.entries()) {
    if (sentence.kind !== 'heading') continue;
    close(index);
    if (APPENDIX_HEADING.test(sentence.text)) inAppendix = true;
    current = {
      heading: sentence.text,
      role: headingRole(sentence.text, inAppendix),
      start: index + 1,
      end: index + 1,
    };
  }
  close(sentences.length);
  return sections;
}

function headingRole(heading: string, inAppendix: boolean): SectionRole {
  if (inAppendix) return 'back';
  if (LEAD_HEADING.test(heading)) return 'lead';
  if (BACK_HEADING.test(heading)) return 'back';
  return 'body';
}
