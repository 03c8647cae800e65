import type { SentenceKind } from './sentences';

/** Why a sentence cannot stand in a summary, or null when it can. */
export type BoilerplateReason =
  | 'heading'
  | 'table row'
  | 'repeated'
  | 'mostly figures'
  | 'page furniture'
  | 'form instruction'
  | 'legal or contact'
  | null;

// Form instructions: what to fill in, attach, sign or detach, not what the document says.
const FORM_INSTRUCTION =
  /\b(?:please (?:fill|complete|enter|print|type|attach|sign|detach|check|tick|use|return|send|mark|select|provide|note that)|fill (?:out|in)|attach (?:form|a copy|copies|here)|enter (?:the|your|amount)|see (?:the )?instructions|check (?:the|this|one|if|any) (?:box|applicable)|tick (?:the|one) box|do not (?:write|staple|detach)|for (?:office|official) use only|detach (?:and|here)|(?:sign|signature) here|when paying by|pay (?:online|via|by)|payment (?:terms|preferred)|use our account|use the following communication)\b|[□☐☑☒■√]/iu;
// A line that starts with an imperative of a form ("Attach Form(s) W-2 here", "Enter the amount...").
const IMPERATIVE = /^(?:attach|enter|complete|sign|detach|fill|print|tick|include|subtract|add lines?|multiply)\b/iu;
const LEGAL_OR_CONTACT =
  /\b(?:intentionally left blank|all rights reserved|copyright|confidential(?:ity)? notice|forward[- ]looking statements?|for (?:more|further) information|subject to change without notice|registered office)\b|©|https?:\/\/|www\.|@[\w-]+\.[a-z]{2,}|法律责任|虚假记载|免責/iu;
const PAGE_FURNITURE = /^(?:page\s*:?\s*)?[-–—]?\s*\d+\s*[-–—]?(?:\s*(?:of|\/)\s*\d+)?$/iu;
// A sentence this share of whose words hold a digit is a table row run into prose.
const MAX_FIGURE_SHARE = 0.4;
const SENTENCE_END = /[.!?…。！？]["'”’)\]）」]*$/u;
const MAX_CAPITALS_SHARE = 0.6;

/** The key under which repeats of a line are counted: case, spacing and digits aside ("Page 3 of 9"). */
export function repeatKey(text: string): string {
  return text.toLowerCase().replace(/\d+/gu, '#').replace(/\s+/gu, ' ').trim();
}

/**
 * Whether a sentence is boilerplate for a summary: a heading or table row, a line repeated
 * through the document without a full stop (running headers and footers), one made mostly of figures, a page
 * number, a form's instruction, or legal and contact furniture. `repeats` counts each
 * `repeatKey` in the whole text.
 */
export function boilerplateReason(
  text: string,
  kind: SentenceKind,
  repeats: ReadonlyMap<string, number>,
): BoilerplateReason {
  if (PAGE_FURNITURE.test(text.trim())) return 'page furniture';
  // Running headers and footers repeat without a sentence's full stop (so do a table's column
  // headers, page after page); a sentence that repeats (a document stating its point on every
  // page) is still content.
  if ((repeats.get(repeatKey(text)) ?? 0) > 1 && !SENTENCE_END.test(text)) return 'repeated';
  if (kind === 'heading') return 'heading';
  if (kind === 'row') return 'table row';
  const tokens = text.split(/\s+/u).filter((t) => /[\p{L}\p{N}]/u.test(t));
  if (tokens.length > 0 && tokens.filter((t) => /\d/u.test(t)).length / tokens.length >= MAX_FIGURE_SHARE) {
    return 'mostly figures';
  }
  // Capitals throughout ("BEING COMMISSION RETURNED TO PARTY") are a table's or a form's labels.
  const letters = text.match(/\p{L}/gu)?.length ?? 0;
  if (letters >= 12 && (text.match(/\p{Lu}/gu)?.length ?? 0) / letters > MAX_CAPITALS_SHARE) return 'table row';
  // An item code first ("0511.91 Prod. no exp."): a line of a code list.
  if (/^\d{4,}(?:[.\-/]\d+)*\s/u.test(text)) return 'table row';
  if (FORM_INSTRUCTION.test(text) || IMPERATIVE.test(text)) return 'form instruction';
  if (LEGAL_OR_CONTACT.test(text)) return 'legal or contact';
  return null;
}
