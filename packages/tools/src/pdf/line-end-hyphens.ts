// A line ending in a letter and a hyphen (hyphen-minus, soft hyphen or U+2010), followed at
// once (no blank line between) by a line that starts with a letter.
// The lower line's first word moves up with the spaces after it, or with its line end when it
// was the whole line (a blank line after it stays).
const BROKEN_WORD = /(\p{L}+)([-\u00AD\u2010])\n(\p{L}\S*)([ \t]+|\n|$)/gu;
// A word with its inner hyphens, as written within a line.
const WORD = /\p{L}+(?:[-\u2010]\p{L}+)*/gu;

/**
 * Joins words hyphenated across line ends, as a reader reads them: "copy-" / "right" becomes
 * "copyright" on the upper line, the rest of the lower line staying on its own. The rule,
 * without a dictionary:
 * - a soft hyphen (U+00AD) is always a break, and is dropped;
 * - before a lower-case letter the hyphen is dropped ("pro-" / "viding" → "providing"), unless
 *   the text itself writes the hyphenated word within a line and never the joined one
 *   ("well-known" elsewhere keeps "well-" / "known" as "well-known");
 * - before a capital the hyphen is kept ("Weingarten-" / "Abbildung" → "Weingarten-Abbildung":
 *   German compounds, names), the word is still joined.
 * The words compared are those of `text` itself (one page), so the rule needs no language.
 */
export function joinLineEndHyphens(text: string): string {
  if (!/[-\u00AD\u2010]\n/.test(text)) return text;
  const written = writtenWords(text);
  return text.replace(BROKEN_WORD, (_match, head: string, hyphen: string, tail: string, after: string) => {
    const first = tail.charAt(0);
    const lowerCase = first !== first.toUpperCase();
    let joined: string;
    if (hyphen === '\u00AD') joined = head + tail;
    else if (!lowerCase) joined = `${head}${hyphen}${tail}`;
    else {
      const rest = /^\p{L}+/u.exec(tail)![0];
      const word = (head + rest).toLowerCase();
      const hyphenated = `${head}-${rest}`.toLowerCase();
      joined = written.has(hyphenated) && !written.has(word) ? `${head}-${tail}` : head + tail;
    }
    // The lower line's rest stays a line of its own.
    return after === '' ? joined : `${joined}\n`;
  });
}

/** Every word of `text` as written within a line (hyphenated words whole), lower-cased. */
function writtenWords(text: string): Set<string> {
  const words = new Set<string>();
  for (const match of text.matchAll(WORD)) {
    const end = match.index + match[0].length;
    // A word cut by a line-end hyphen is not written whole here.
    if (text.charAt(end) === '-' && text.charAt(end + 1) === '\n') continue;
    words.add(match[0].replace(/\u2010/g, '-').toLowerCase());
  }
  return words;
}
