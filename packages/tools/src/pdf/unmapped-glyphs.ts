// U+FFFD, the replacement character: what pdf.js (as patched) gives for each glyph of a picture
// font it has no Unicode for (Wingdings, Webdings without a ToUnicode map), and what some
// producers' own ToUnicode maps give for a glyph they could not name. A space right after it
// goes too, so "<picture> Yes" reads "Yes" rather than " Yes".
const UNMAPPED_GLYPHS = /\uFFFD+ ?/gu;

/**
 * The text runs (`TextRun`s) without the glyphs that have no known character: nothing is
 * better than a wrong letter ("ü" for a check mark), and the replacement character tells a
 * reader nothing. A run
 * left empty keeps its place and its line break; a run of spaces right after it is emptied too
 * (pdf.js emits the gap after a glyph as a run of its own).
 */
export function withoutUnmappedGlyphs<Run extends { text: string }>(runs: readonly Run[]): readonly Run[] {
  if (!runs.some((run) => run.text.includes('\uFFFD'))) return runs;
  let dropped = false;
  return runs.map((run) => {
    if (dropped && run.text.trim() === '') return { ...run, text: '' };
    dropped = run.text.includes('\uFFFD');
    if (!dropped) return run;
    const text = run.text.replace(UNMAPPED_GLYPHS, '');
    // Only a run that ends with a dropped glyph leaves a gap behind it to drop.
    dropped = text === '' || /\uFFFD ?$/u.test(run.text);
    return { ...run, text };
  });
}
