import { describe, expect, it } from 'vitest';
import { layoutPageText } from './text-layout';
import type { TextRun } from './text-layout';

const run = (text: string, x: number, y: number, extra: Partial<TextRun> = {}): TextRun => ({
  text,
  x,
  y,
  width: text.length * 6,
  height: 12,
  endsLine: false,
  ...extra,
});

describe('layoutPageText', () => {
  it('breaks lines where pdf.js marks an end of line', () => {
    expect(layoutPageText([run('First line', 72, 700, { endsLine: true }), run('Second line', 72, 700)])).toBe(
      'First line\nSecond line',
    );
  });

  it('breaks lines where the baseline moves, even without a marked end of line', () => {
    expect(layoutPageText([run('Title', 72, 700), run('Body text', 72, 680)])).toBe('Title\nBody text');
  });

  it('keeps runs on one baseline together, adding a space only across a visible gap', () => {
    expect(
      layoutPageText([run('Reve', 72, 700), run('nue', 96, 700), run('reached', 120, 700), run('x', 170, 702)]),
    ).toBe('Revenue reached x');
  });

  it('keeps one blank line between paragraphs and trims the page', () => {
    const runs = [
      run('', 0, 0, { endsLine: true }),
      run('One ', 72, 700, { endsLine: true }),
      run('', 0, 0, { endsLine: true }),
      run('', 0, 0, { endsLine: true }),
      run('Two', 72, 640, { endsLine: true }),
      run('', 0, 0, { endsLine: true }),
    ];
    expect(layoutPageText(runs)).toBe('One\n\nTwo');
  });

  it('starts a paragraph where a line sits clearly further down than the page usually spaces lines', () => {
    const runs = [
      run('Heading', 72, 700, { height: 12 }),
      run('First line of a paragraph', 72, 680),
      run('second line', 72, 667),
      run('third line', 72, 654),
      run('A new paragraph', 72, 634),
      run('goes on', 72, 621),
    ];
    expect(layoutPageText(runs)).toBe(
      'Heading\n\nFirst line of a paragraph\nsecond line\nthird line\n\nA new paragraph\ngoes on',
    );
  });

  it('does not split a double-spaced page into one paragraph per line', () => {
    const runs = [run('One', 72, 700), run('two', 72, 676), run('three', 72, 652), run('four', 72, 628)];
    expect(layoutPageText(runs)).toBe('One\ntwo\nthree\nfour');
  });
});
