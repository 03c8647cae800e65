import { describe, expect, it } from 'vitest';
import { parsePageRanges, selectPages } from './page-ranges';

describe('parsePageRanges', () => {
  it('reads page numbers and inclusive ranges, spaces allowed', () => {
    expect(parsePageRanges('1-3,7')).toEqual({
      ok: true,
      ranges: [
        { from: 1, to: 3 },
        { from: 7, to: 7 },
      ],
    });
    expect(parsePageRanges(' 2 - 4 , 9 ')).toEqual({
      ok: true,
      ranges: [
        { from: 2, to: 4 },
        { from: 9, to: 9 },
      ],
    });
  });

  it.each([
    ['', 'must list at least one page, e.g. "1-3,7"'],
    [' , ', 'must list at least one page, e.g. "1-3,7"'],
    ['1-3,,7', 'has an empty entry: a comma at either end or two in a row'],
    ['1,', 'has an empty entry: a comma at either end or two in a row'],
    ['one', '"one" is not a page number or a range like "1-3" (expected a list such as "1-3,7")'],
    ['1-', '"1-" is not a page number or a range like "1-3" (expected a list such as "1-3,7")'],
    ['-2', '"-2" is not a page number or a range like "1-3" (expected a list such as "1-3,7")'],
    ['1.5', '"1.5" is not a page number or a range like "1-3" (expected a list such as "1-3,7")'],
    ['0-2', 'pages are numbered from 1, "0-2" asks for page 0'],
    ['7-3', '"7-3" ends before it starts; write it as "3-7"'],
  ])('rejects %j: %s', (spec, message) => {
    expect(parsePageRanges(spec)).toEqual({ ok: false, message });
  });
});

describe('selectPages', () => {
  it('lists each page once, in document order', () => {
    expect(
      selectPages(
        [
          { from: 7, to: 7 },
          { from: 1, to: 3 },
          { from: 2, to: 2 },
        ],
        10,
      ),
    ).toEqual({ ok: true, pages: [1, 2, 3, 7] });
  });

  it('refuses pages beyond the document, saying how many it has', () => {
    expect(
      selectPages(
        [
          { from: 1, to: 3 },
          { from: 12, to: 12 },
        ],
        10,
      ),
    ).toEqual({
      ok: false,
      message: 'asks for page 12, but the document has 10 pages',
    });
    expect(selectPages([{ from: 1, to: 2 }], 1)).toEqual({
      ok: false,
      message: 'asks for pages 1-2, but the document has 1 page',
    });
  });
});
