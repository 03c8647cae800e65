/** Characters the API refuses in text it is handed, as patterns (global: test with `.search`, or `replace` them all). */

/** A UTF-16 surrogate without its other half: no Unicode character, stored differently by each database. */
export const LONE_SURROGATES = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Unicode's control characters (Cc): C0, DEL and C1. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
export const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/g;

/**
 * Bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069): they make
 * `invoice\u202Etxt.exe` display as `invoiceexe.txt`. The marks (LRM, RLM, ALM), which
 * right-to-left text needs, are not among them.
 */
export const BIDI_CONTROLS = /[\u202a-\u202e\u2066-\u2069]/g;

/** Whether `text` holds a lone surrogate. */
export function hasLoneSurrogate(text: string): boolean {
  return text.search(LONE_SURROGATES) >= 0;
}
