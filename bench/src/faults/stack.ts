import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import {
  createDatabase,
  freePort,
  startOrdoProcess,
  startPostgres,
  temporalCliPath,
  waitForOk,
  type OrdoProcess,
  type PostgresServer,
} from '@ordo/testing';
import { tallyLedgerPath } from '@ordo/tools';
import { connectWhenUp, devServerArgs } from '../stack';
import { OrdoHttp } from './http';

const NAMESPACE = 'default';

/**
 * A Temporal dev server on free loopback ports with its database in a file, so it can be
 * killed (SIGKILL) and started again on the same state, ports and search attributes.
 */
export class TemporalServer {
  private child: ChildProcess | undefined;
  private output = '';

  private constructor(
    readonly address: string,
    private readonly command: string,
    private readonly args: string[],
    readonly client: Client,
  ) {}

  /** Starts a dev server whose database is `<dir>/temporal.db`; resolves once it answers. */
  static async start(dir: string): Promise<TemporalServer> {
    const cli = await temporalCliPath();
    const [port, httpPort, metricsPort] = [await freePort(), await freePort(), await freePort()];
    const address = `127.0.0.1:${port}`;
    const args = devServerArgs({ port, httpPort, metricsPort }, join(dir, 'temporal.db'));
    const first = spawn(cli, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const server = new TemporalServer(address, cli, args, await connectWhenUp(address, first));
      server.adopt(first);
      return server;
    } catch (err) {
      first.kill('SIGKILL');
      throw err;
    }
  }

  /** A server someone else runs (the test run's): never killed or stopped from here. */
  static async external(address: string): Promise<TemporalServer> {
    return new TemporalServer(address, '', [], await connectWhenUp(address));
  }

  /** SIGKILL: the server stops at once, mid-request; its database file keeps what it had written. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child) throw new Error('this Temporal server is not one this stack runs');
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    this.child = undefined;
  }

  /** Starts the server again on the same database and ports; resolves once it answers. */
  async restart(): Promise<void> {
    const child = spawn(this.command, this.args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.adopt(child);
    await waitForTemporal(this.client, 60_000, child);
  }

  async stop(): Promise<void> {
    await this.client.connection.close().catch(() => undefined);
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }

  /** The server's output since it last started. */
  log(): string {
    return this.output;
  }

  private adopt(child: ChildProcess): void {
    this.child = child;
    this.output = '';
    child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
  }
}

/** What the fault stack starts on its own, and what it is given. */
export interface FaultStackOptions {
  /** A PostgreSQL server's superuser URL (each scenario gets a database of its own on it); without it the stack starts its own, which it can stop and restart. */
  postgresUrl?: string;
  /** A Temporal server's address to use as it is (no Temporal fault then); without it the stack starts its own dev server. */
  temporalAddress?: string;
  log: (line: string) => void;
}

/**
 * The fault suite's servers: PostgreSQL and Temporal, shared by its scenarios, each scenario
 * with its own database, data folder, task queue and Ordo processes ({@link ScenarioStack}).
 */
export class FaultStack {
  private constructor(
    readonly dir: string,
    readonly temporal: TemporalServer,
    readonly postgresUrl: string,
    /** The PostgreSQL server the stack runs, when it does: only then can it be halted and resumed. */
    readonly postgres: PostgresServer | undefined,
    readonly log: (line: string) => void,
  ) {}

  static async start(options: FaultStackOptions): Promise<FaultStack> {
    const dir = await mkdtemp(join(tmpdir(), 'ordo-faults-'));
    let postgres: PostgresServer | undefined;
    try {
      postgres = options.postgresUrl === undefined ? await startPostgres() : undefined;
      const temporal =
        options.temporalAddress === undefined
          ? await TemporalServer.start(dir)
          : await TemporalServer.external(options.temporalAddress);
      options.log(
        `temporal on ${temporal.address}${options.temporalAddress === undefined ? ` (database ${join(dir, 'temporal.db')})` : ''}; postgres ${postgres ? 'of its own' : 'given'}`,
      );
      return new FaultStack(dir, temporal, options.postgresUrl ?? postgres!.url, postgres, options.log);
    } catch (err) {
      await postgres?.stop();
      await rm(dir, { recursive: true, force: true });
      throw err;
    }
  }

  /** A scenario's own database, data folder and task queue on this stack's servers. */
  async scenario(label: string): Promise<ScenarioStack> {
    const database = await createDatabase(this.postgresUrl, `faults_${label}`);
    const dataDir = await mkdtemp(join(this.dir, `${label}-`));
    return new ScenarioStack(this, label, database.url, dataDir, `faults-${label}-${Date.now()}`, database.drop);
  }

  async stop(): Promise<void> {
    await this.temporal.stop();
    await this.postgres?.stop();
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** An API process and the client that talks to it. */
export interface ApiProcess {
  process: OrdoProcess;
  http: OrdoHttp;
  port: number;
}

/** One scenario's Ordo processes (APIs and workers) on its own database, data folder and task queue. */
export class ScenarioStack {
  readonly processes: OrdoProcess[] = [];
  /** Processes that exited without being stopped or killed from here, each with the end of its output. */
  readonly exits: string[] = [];
  private readonly ending = new Set<OrdoProcess>();
  private readonly apps = new Map<OrdoProcess, string>();

  constructor(
    readonly stack: FaultStack,
    readonly label: string,
    readonly databaseUrl: string,
    readonly dataDir: string,
    readonly taskQueue: string,
    private readonly dropDatabase: () => Promise<void>,
  ) {}

  /** Where the workers' `tally` steps count their completed executions. */
  get ledgerPath(): string {
    return tallyLedgerPath(this.dataDir);
  }

  private env(extra: Record<string, string> = {}): Record<string, string> {
    return {
      TEMPORAL_ADDRESS: this.stack.temporal.address,
      TEMPORAL_NAMESPACE: NAMESPACE,
      ORDO_TASK_QUEUE: this.taskQueue,
      ORDO_DATA_DIR: this.dataDir,
      DATABASE_URL: this.databaseUrl,
      ORDO_TEST_TOOLS: '1',
      ...extra,
    };
  }

  /** Starts an API process (on `port`, or a free one); resolves once it is ready. */
  async startApi(port?: number): Promise<ApiProcess> {
    const p = port ?? (await freePort());
    const process = this.watch('api', startOrdoProcess('api', this.env({ PORT: String(p), HOST: '127.0.0.1' })));
    try {
      await waitForOk(`http://127.0.0.1:${p}/ready`, 120_000);
    } catch (err) {
      throw new Error(`the API did not become ready: ${String(err)}\n${process.output().slice(-3000)}`, { cause: err });
    }
    return { process, http: new OrdoHttp(`http://127.0.0.1:${p}`), port: p };
  }

  /** Starts a worker process; resolves once it polls its task queue. */
  async startWorker(extra: Record<string, string> = {}): Promise<OrdoProcess> {
    const worker = this.watch('worker', startOrdoProcess('worker', this.env(extra)));
    const deadline = Date.now() + 120_000;
    while (!worker.output().includes('Ordo worker polling')) {
      if (worker.child.exitCode !== null || worker.child.signalCode !== null || Date.now() > deadline) {
        throw new Error(`the worker did not start polling:\n${worker.output().slice(-3000)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return worker;
  }

  /** SIGKILLs a process of this scenario: a crash the harness causes, not one it reports. */
  async kill(p: OrdoProcess): Promise<void> {
    this.ending.add(p);
    await p.kill();
  }

  /** Writes each Ordo process's output to `<dir>/<app>-<pid>.log`. */
  async writeOutputs(dir: string): Promise<void> {
    await mkdir(dir, { recursive: true });
    await Promise.all(
      this.processes.map((p) =>
        writeFile(join(dir, `${this.apps.get(p) ?? 'process'}-${p.child.pid}.log`), p.output()),
      ),
    );
  }

  /** Stops every process still running (SIGTERM) and drops the scenario's database. */
  async stop(): Promise<void> {
    for (const p of this.processes) this.ending.add(p);
    await Promise.all(this.processes.map((p) => p.stop()));
    await this.dropDatabase().catch(() => undefined);
  }

  private watch(app: string, p: OrdoProcess): OrdoProcess {
    this.processes.push(p);
    this.apps.set(p, app);
    p.child.once('exit', (code, signal) => {
      if (!this.ending.has(p))
        this.exits.push(`${app} ${p.child.pid} exited (${signal ?? `code ${code}`}): ${p.output().slice(-1500)}`);
    });
    return p;
  }
}

async function waitForTemporal(client: Client, timeoutMs: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await client.workflowService.getSystemInfo({});
      // The namespace answers too, not only the frontend.
      await client.workflowService.describeNamespace({ namespace: NAMESPACE });
      return;
    } catch (err) {
      if (child.exitCode !== null) throw new Error(`Temporal exited with ${child.exitCode}`);
      if (Date.now() > deadline)
        throw new Error(`Temporal did not answer again within ${timeoutMs} ms: ${(err as Error).message}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}
