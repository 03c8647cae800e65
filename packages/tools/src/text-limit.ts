/**
 * The most text, in characters (UTF-16 code units, as JavaScript counts them), that a tool
 * produces or reads: `pdf_extractor`'s extracted text and `text_analyzer`'s input. About
 * three times the text of a 1,100-page report; text_analyzer analyses this much in well
 * under a minute and half a GiB. One limit for both, so whatever pdf_extractor returns can
 * be analysed. Past it a run fails for good with TEXT_TOO_LARGE.
 */
export const MAX_TEXT_CHARS = 10_000_000;
