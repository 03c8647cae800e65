import { spawn } from 'node:child_process';
import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** What one line did. */
export interface LineRun {
  line: string;
  /** The exit status; null when it was stopped for taking too long. */
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Single-quoted for bash: the value exactly, whatever it holds. */
function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/**
 * Shell lines run one at a time, each by a `bash` of its own, as a person pasting them into
 * one terminal sees them: the functions a line defines and the variables named in
 * `variables` carry over to the next lines (kept in a state file between runs), so one line's
 * failure is that line's alone and names it. Each line runs exactly as written.
 */
export class ShellSession {
  private constructor(
    private readonly dir: string,
    private readonly cwd: string,
    private readonly env: NodeJS.ProcessEnv,
    private readonly variables: string[],
  ) {}

  /** A session in `cwd` with `env`, carrying `variables` over from line to line. */
  static async create(options: { cwd: string; env: NodeJS.ProcessEnv; variables: string[] }): Promise<ShellSession> {
    const dir = await mkdtemp(join(tmpdir(), 'ordo-shell-'));
    await writeFile(join(dir, 'state'), '');
    for (const name of options.variables)
      if (!/^[A-Za-z_]\w*$/.test(name)) throw new Error(`'${name}' is not a shell variable name`);
    return new ShellSession(dir, options.cwd, options.env, options.variables);
  }

  /** Runs `line` after the state the earlier lines left, and keeps the state it leaves. */
  async run(line: string, timeoutMs = 180_000): Promise<LineRun> {
    const state = shellQuote(join(this.dir, 'state'));
    const script = [
      `source ${state}`,
      line,
      '__ordo_status=$?',
      // `declare -p` with no names would print every variable, read-only ones included.
      `{ declare -f; ${this.variables.length > 0 ? `declare -p ${this.variables.join(' ')} 2>/dev/null;` : ''} } >${state}.next`,
      `mv ${state}.next ${state}`,
      'exit $__ordo_status',
      '',
    ].join('\n');
    const file = join(this.dir, 'line.sh');
    await writeFile(file, script);
    return new Promise((resolve, reject) => {
      const child = spawn('bash', [file], { cwd: this.cwd, env: this.env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      child.once('error', reject);
      child.once('close', (status) => {
        clearTimeout(timer);
        resolve({ line, status, stdout, stderr });
      });
    });
  }

  /** A variable's value as the lines so far left it ('' when unset). */
  async get(name: string): Promise<string> {
    return (await this.run(`printf %s "\${${name}-}"`)).stdout;
  }

  /** Sets a variable for the following lines, as typing `NAME=value` would. */
  async set(name: string, value: string): Promise<void> {
    await appendFile(join(this.dir, 'state'), `${name}=${shellQuote(value)}\n`);
  }

  async remove(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}
