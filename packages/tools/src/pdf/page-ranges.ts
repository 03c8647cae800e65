/** An inclusive range of 1-based page numbers; a single page is a range of one. */
export interface PageRange {
  from: number;
  to: number;
}

/** Why a page list like "1-3,7" cannot be read, as a rule the caller can quote. */
export type PageRangesProblem = { ok: false; message: string };

const PART = /^(\d+)(?:\s*-\s*(\d+))?$/;

/**
 * Parses a page list: comma-separated page numbers and ranges, 1-based, spaces allowed
 * ("1-3, 7"). Only the syntax is checked here: whether the pages exist depends on the
 * document (see `selectPages`).
 */
export function parsePageRanges(spec: string): { ok: true; ranges: PageRange[] } | PageRangesProblem {
  const parts = spec.split(',').map((p) => p.trim());
  if (parts.every((p) => p.length === 0)) return { ok: false, message: 'must list at least one page, e.g. "1-3,7"' };
  const ranges: PageRange[] = [];
  for (const part of parts) {
    if (part.length === 0) return { ok: false, message: 'has an empty entry: a comma at either end or two in a row' };
    const match = PART.exec(part);
    if (match === null) {
      return {
        ok: false,
        message: `"${part}" is not a page number or a range like "1-3" (expected a list such as "1-3,7")`,
      };
    }
    const from = Number(match[1]);
    const to = match[2] === undefined ? from : Number(match[2]);
    if (from < 1) return { ok: false, message: `pages are numbered from 1, "${part}" asks for page 0` };
    if (to < from) return { ok: false, message: `"${part}" ends before it starts; write it as "${to}-${from}"` };
    ranges.push({ from, to });
  }
  return { ok: true, ranges };
}

/**
 * The pages the ranges name in a document of `pageCount` pages, each once, in document
 * order (a reader of "7,1-3" still wants the text in the order it is printed). A page
 * beyond the document is a problem, not silently dropped: the caller asked for text that
 * is not there.
 */
export function selectPages(
  ranges: readonly PageRange[],
  pageCount: number,
): { ok: true; pages: number[] } | PageRangesProblem {
  const beyond = ranges.find((r) => r.to > pageCount);
  if (beyond !== undefined) {
    const asked = beyond.from === beyond.to ? `page ${beyond.to}` : `pages ${beyond.from}-${beyond.to}`;
    return {
      ok: false,
      message: `asks for ${asked}, but the document has ${pageCount} page${pageCount === 1 ? '' : 's'}`,
    };
  }
  const pages = new Set<number>();
  for (const { from, to } of ranges) for (let page = from; page <= to; page++) pages.add(page);
  return { ok: true, pages: [...pages].sort((a, b) => a - b) };
}

/** "page 2", "pages 1–3, 7": consecutive pages as ranges, with an en dash. */
export function pageList(pages: readonly number[]): string {
  const ranges: string[] = [];
  for (let i = 0; i < pages.length; i++) {
    const start = pages[i]!;
    while (i + 1 < pages.length && pages[i + 1] === pages[i]! + 1) i++;
    ranges.push(pages[i] === start ? `${start}` : `${start}\u2013${pages[i]}`);
  }
  return `${pages.length === 1 ? 'page' : 'pages'} ${ranges.join(', ')}`;
}
