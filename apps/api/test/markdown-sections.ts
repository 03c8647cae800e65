/**
 * Reading a Markdown document (the README) the way a person does: a section by its heading,
 * the fenced code blocks in it, and the commands of a shell block.
 */

const FENCE = /^(```|~~~)/;

/**
 * The text under `heading` (its whole line, e.g. `### Walk-through: …`) up to the next
 * heading of the same level or above. Lines inside fenced code (a shell comment such as
 * `# 1. Upload`) are not headings. Throws unless the heading is there exactly once.
 */
export function sectionOf(markdown: string, heading: string): string {
  const level = /^#+/.exec(heading)?.[0].length;
  if (level === undefined) throw new Error(`'${heading}' is not a Markdown heading`);
  const lines = markdown.split('\n');
  let inFence = false;
  let start: number | undefined;
  let end = lines.length;
  let seen = 0;
  for (const [i, line] of lines.entries()) {
    if (FENCE.test(line)) inFence = !inFence;
    if (inFence) continue;
    if (line.trim() === heading) {
      seen++;
      start ??= i + 1;
      continue;
    }
    const depth = /^(#+) /.exec(line)?.[1]?.length;
    if (start !== undefined && end === lines.length && depth !== undefined && depth <= level) end = i;
  }
  if (seen !== 1 || start === undefined) throw new Error(`the heading '${heading}' is there ${seen} times, not once`);
  return lines.slice(start, end).join('\n');
}

/** The fenced code blocks of `text` whose info string is `lang`, in order, without their fences. */
export function fencedBlocks(text: string, lang: string): string[] {
  const blocks: string[] = [];
  let current: string[] | undefined;
  let inOther = false;
  for (const line of text.split('\n')) {
    if (current) {
      if (FENCE.test(line)) {
        blocks.push(current.join('\n'));
        current = undefined;
      } else current.push(line);
    } else if (FENCE.test(line)) {
      if (inOther) inOther = false;
      else if (line.slice(3).trim() === lang) current = [];
      else inOther = true;
    }
  }
  return blocks;
}

/**
 * A shell block's commands as a person pastes them one at a time: a line ending in `\` is
 * joined with the next (kept as written, so bash reads the continuation itself); blank lines
 * and lines that are only a comment are left out. A comment after a command stays with it.
 */
export function shellCommands(block: string): string[] {
  const commands: string[] = [];
  let pending: string[] = [];
  for (const line of block.split('\n')) {
    if (pending.length === 0 && (line.trim() === '' || line.trim().startsWith('#'))) continue;
    pending.push(line);
    if (!line.endsWith('\\')) {
      commands.push(pending.join('\n'));
      pending = [];
    }
  }
  if (pending.length > 0) commands.push(pending.join('\n'));
  return commands;
}
