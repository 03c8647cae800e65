import { execFile, execFileSync } from 'node:child_process';
import { chownSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { freePort } from './free-port';

const run = promisify(execFile);
const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
/** The unprivileged user a server started by root runs as (created by infra/install-postgres.sh). */
const SERVER_USER = 'ordo-pg';

/** A throw-away PostgreSQL server: its superuser's URL, and functions that stop and remove it, or crash and start it again. */
export interface PostgresServer {
  url: string;
  stop: () => Promise<void>;
  /** Stops the server at once, as a crash would (`pg_ctl stop -m immediate`: no checkpoint, clients cut off); every acknowledged commit stays. */
  halt: () => Promise<void>;
  /** Starts a halted server again on the same data, port and options; resolves once it accepts connections. */
  resume: () => Promise<void>;
}

/**
 * Starts a PostgreSQL server for one test run: binaries from infra/install-postgres.sh
 * (which installs Debian's package when there are none), a new cluster in a temporary
 * folder, a free port on 127.0.0.1, its socket in that folder, and fsync switched off
 * because the data lives only as long as the run (commits stay synchronous: see `halt`).
 * PostgreSQL refuses to run as root, so under root the server runs as the unprivileged `ordo-pg`.
 */
export async function startPostgres(): Promise<PostgresServer> {
  const bindir = execFileSync('bash', [join(repoRoot, 'infra', 'install-postgres.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
  const asRoot = process.getuid?.() === 0;
  const folder = mkdtempSync(join(tmpdir(), 'ordo-pg-'));
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', SERVER_USER], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', SERVER_USER], { encoding: 'utf8' }).trim());
    chownSync(folder, uid, gid);
  }
  const pg = (tool: string, args: string[]) =>
    asRoot ? run('runuser', ['-u', SERVER_USER, '--', join(bindir, tool), ...args]) : run(join(bindir, tool), args);
  const data = join(folder, 'data');
  const log = join(folder, 'postgres.log');
  const remove = () => rmSync(folder, { recursive: true, force: true });
  try {
    await pg('initdb', ['-D', data, '-U', 'ordo', '--auth=trust', '--no-locale', '-E', 'UTF8', '--no-sync']);
    // The free port may be taken between probing and binding; another port then does.
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const options = [
        `-p ${port}`,
        `-k ${folder}`,
        '-c listen_addresses=127.0.0.1',
        '-c max_connections=300',
        // No fsync: the data need not outlive the machine, only the server. Commits stay
        // synchronous, so a commit's WAL is written (to the OS) before it is acknowledged and a
        // halted server (a crash) comes back with every commit it acknowledged.
        '-c fsync=off',
        '-c full_page_writes=off',
      ].join(' ');
      try {
        await pg('pg_ctl', ['start', '-D', data, '-l', log, '-w', '-t', '60', '-o', options]);
      } catch (err) {
        if (attempt < 3) continue;
        throw new Error(`PostgreSQL did not start: ${String(err)}\n${readFileSync(log, 'utf8').slice(-4000)}`, {
          cause: err,
        });
      }
      return {
        url: `postgres://ordo@127.0.0.1:${port}/postgres`,
        stop: async () => {
          await pg('pg_ctl', ['stop', '-D', data, '-m', 'fast', '-w', '-t', '60']).catch(() => undefined);
          remove();
        },
        halt: async () => {
          await pg('pg_ctl', ['stop', '-D', data, '-m', 'immediate', '-w', '-t', '60']);
        },
        resume: async () => {
          await pg('pg_ctl', ['start', '-D', data, '-l', log, '-w', '-t', '60', '-o', options]);
        },
      };
    }
  } catch (err) {
    remove();
    throw err;
  }
}
