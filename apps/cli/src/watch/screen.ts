/**
 * Where the watch display goes. On a terminal the lines are redrawn in place (the cursor moves
 * back up over the last frame, each line is cleared and rewritten, cut to the terminal's
 * width so none wraps); piped, each line is appended when it changes, for logs.
 */
export interface Screen {
  draw(lines: string[]): void;
  /** Text below the display (the final word); the display is not redrawn after it. */
  done(text: string): void;
}

export function terminalScreen(out: NodeJS.WriteStream): Screen {
  let drawn = 0;
  return {
    draw(lines) {
      const width = out.columns && out.columns > 10 ? out.columns - 1 : 200;
      let frame = drawn > 0 ? `\x1b[${drawn}A` : '';
      for (const line of lines) frame += `\x1b[2K${line.length > width ? line.slice(0, width - 1) + '…' : line}\n`;
      out.write(frame);
      drawn = lines.length;
    },
    done(text) {
      out.write(text.endsWith('\n') ? text : `${text}\n`);
    },
  };
}

export function appendingScreen(out: NodeJS.WritableStream): Screen {
  const last = new Map<number, string>();
  return {
    draw(lines) {
      lines.forEach((line, index) => {
        if (last.get(index) === line) return;
        last.set(index, line);
        out.write(`${line}\n`);
      });
    },
    done(text) {
      out.write(text.endsWith('\n') ? text : `${text}\n`);
    },
  };
}
