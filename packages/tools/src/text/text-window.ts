// How far back a pattern anchored at a figure looks: an end-anchored pattern over the whole text
// before each figure would cost a pass over a long sentence per figure.
export const LOOK_BACK = 60;

/** The text up to `at`, its last `LOOK_BACK` characters, with a mark where that is not the sentence's start. */
export function textBefore(sentence: string, at: number): string {
  const from = Math.max(0, at - LOOK_BACK);
  return `${from === 0 ? '' : '…'}${sentence.slice(from, at)}`;
}
