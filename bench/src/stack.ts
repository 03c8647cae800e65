import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { ORDO_SEARCH_ATTRIBUTES } from '@ordo/core';
import { freePort, startOrdoProcess, temporalCliPath, waitForOk, type OrdoProcess } from '@ordo/testing';

const benchRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = join(benchRoot, '..');

/** Ordo's task queue in the bench, and the baseline's: one worker process each. */
export const ORDO_TASK_QUEUE = 'bench-ordo';
export const BASELINE_TASK_QUEUE = 'bench-baseline';
const NAMESPACE = 'default';

/** The loopback ports a dev server listens on. */
export interface DevServerPorts {
  port: number;
  httpPort: number;
  metricsPort: number;
}

/**
 * The arguments of `temporal server start-dev` for the bench: headless on loopback, with
 * Ordo's search attributes; its database in `dbFile`, or in memory without one.
 */
export function devServerArgs(ports: DevServerPorts, dbFile?: string): string[] {
  const args = [
    'server',
    'start-dev',
    '--headless',
    '--ip',
    '127.0.0.1',
    '--port',
    String(ports.port),
    '--http-port',
    String(ports.httpPort),
    '--metrics-port',
    String(ports.metricsPort),
  ];
  if (dbFile !== undefined) args.push('--db-filename', dbFile);
  args.push('--namespace', NAMESPACE, '--log-level', 'error');
  // As a production server does: the dev server otherwise re-reads its search attributes
  // from its database on every use (so ones added while it runs show at once); Ordo's are
  // all registered as it starts.
  args.push('--dynamic-config-value', 'system.forceSearchAttributesCacheRefreshOnRead=false');
  for (const attribute of ORDO_SEARCH_ATTRIBUTES) args.push('--search-attribute', `${attribute.name}=Keyword`);
  return args;
}

/** Everything the bench runs against, fresh for each run. */
export interface BenchStack {
  client: Client;
  api: string;
  temporalAddress: string;
  /** The process IDs of the server and the workers, for CPU accounting. */
  pids: () => Record<string, number | undefined>;
  /** Sends SIGTERM to every process, waits for them, removes the temporary folder. */
  stop: () => Promise<void>;
}

interface Child {
  name: string;
  pid?: number;
  stop: () => Promise<unknown>;
  output: () => string;
}

/**
 * What to start: Temporal's database in a file, the baseline's worker (default yes), the
 * external tool worker of `external-tools/` (default no), more environment for Ordo's processes.
 */
export interface StackOptions {
  fileDb: boolean;
  baseline?: boolean;
  externalToolWorker?: boolean;
  ordoEnv?: Record<string, string>;
}

/**
 * Starts a Temporal dev server (temporary database, headless, free ports, Ordo's search
 * attributes), Ordo's worker and API with the test tools and a temporary data folder, and
 * the baseline's worker; resolves once all of them answer.
 */
export async function startStack(options: StackOptions, log: (line: string) => void): Promise<BenchStack> {
  const dir = await mkdtemp(join(tmpdir(), 'ordo-bench-'));
  const children: Child[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(children.reverse().map((c) => c.stop()));
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const cli = await temporalCliPath();
    const [port, httpPort, metricsPort, apiPort] = [
      await freePort(),
      await freePort(),
      await freePort(),
      await freePort(),
    ];
    const temporalAddress = `127.0.0.1:${port}`;
    // In memory by default: both sides pay the same for it, and a disk shared with other work adds noise.
    const args = devServerArgs({ port, httpPort, metricsPort }, options.fileDb ? join(dir, 'temporal.db') : undefined);
    children.push(spawnChild('temporal', cli, args));
    log(
      `temporal dev server on ${temporalAddress} (${options.fileDb ? `db ${join(dir, 'temporal.db')}` : 'in-memory db'})`,
    );
    const client = await connectWhenUp(temporalAddress);
    children.push({ name: 'client', stop: () => client.connection.close(), output: () => '' });

    const env = {
      TEMPORAL_ADDRESS: temporalAddress,
      TEMPORAL_NAMESPACE: NAMESPACE,
      ORDO_TASK_QUEUE,
      ORDO_DATA_DIR: join(dir, 'ordo'),
      ORDO_TEST_TOOLS: '1',
      PORT: String(apiPort),
      HOST: '127.0.0.1',
      ...options.ordoEnv,
    };
    const worker = startOrdoProcess('worker', env);
    children.push(named('ordo-worker', worker));
    const api = startOrdoProcess('api', env);
    children.push(named('ordo-api', api));
    if (options.baseline !== false) {
      const tsx = join(repoRoot, 'node_modules', '.bin', 'tsx');
      children.push(
        spawnChild('baseline-worker', tsx, [
          join(benchRoot, 'src', 'handwritten', 'worker-main.ts'),
          temporalAddress,
          NAMESPACE,
          BASELINE_TASK_QUEUE,
        ]),
      );
    }
    const base = `http://127.0.0.1:${apiPort}`;
    await waitForOk(`${base}/ready`, 120_000);
    log(`ordo api on ${base}`);
    if (options.externalToolWorker === true) {
      // It registers its tool through the API before it polls, so it starts once the API answers.
      const tsx = join(repoRoot, 'node_modules', '.bin', 'tsx');
      const script = join(benchRoot, 'src', 'external-tools', 'tool-worker-main.ts');
      const worker = spawnChild('external-tool-worker', tsx, [script, temporalAddress, NAMESPACE, base]);
      children.push(worker);
      await waitForOutput(worker, 'external tool worker ready', 120_000);
      log('external tool worker registered and polling');
    }
    return {
      client,
      api: base,
      temporalAddress,
      stop,
      pids: () => Object.fromEntries(children.filter((c) => c.pid !== undefined).map((c) => [c.name, c.pid])),
    };
  } catch (err) {
    for (const child of children) {
      const output = child.output().trim();
      if (output) log(`--- ${child.name} output ---\n${output.slice(-4000)}`);
    }
    await stop();
    throw err;
  }
}

function named(name: string, p: OrdoProcess): Child {
  return { name, pid: p.child.pid, stop: () => p.stop(), output: () => p.output() };
}

function spawnChild(name: string, command: string, args: string[]): Child {
  const child: ChildProcess = spawn(command, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return {
    name,
    pid: child.pid,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** Resolves once a child has printed `line`; rejects after `timeoutMs`. */
async function waitForOutput(child: Child, line: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!child.output().includes(line)) {
    if (Date.now() > deadline) throw new Error(`${child.name} did not print '${line}' within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * A client of the Temporal server at `address`, once it answers (within 60 s); gives up at once
 * if `server`, the process serving it, has exited.
 */
export async function connectWhenUp(address: string, server?: ChildProcess): Promise<Client> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1000 });
      const client = new Client({ connection, namespace: NAMESPACE });
      await client.workflowService.getSystemInfo({});
      return client;
    } catch (err) {
      if (server && server.exitCode !== null) throw new Error(`Temporal exited with ${server.exitCode}`);
      if (Date.now() > deadline)
        throw new Error(`Temporal did not answer on ${address} within 60 s: ${(err as Error).message}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}
