import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WorkflowFailedError, type Client } from '@temporalio/client';
import { ActivityFailure, ApplicationFailure, CancelledFailure, defaultPayloadConverter } from '@temporalio/common';
import { Worker, type NativeConnection } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  childProcessEnv,
  connectClient,
  connectWorker,
  freePort,
  makePdf,
  ordoProcessEnv,
  pollUntil,
  startOrdoProcess,
  tempDataDir,
  temporalAddress,
  temporalNamespace,
  TEST_API_KEY,
  uniqueTaskQueue,
  waitForReady,
  type OrdoProcess,
} from '@ordo/testing';
import type { ActivityCall } from './activity-workflow';

const exampleDir = join(dirname(fileURLToPath(import.meta.url)), '..');

const CSV =
  'city,population,area_km2,capital\nParis,2102650,105.4,true\nLyon,522250,47.87,false\nNice,,71.92,false\nLyon,1,2,no\n';
/** A CSV of 400 rows, served slowly so that progress is seen while it downloads. */
const SLOW_CSV = `id,score\n${Array.from({ length: 400 }, (_, i) => `${i},${i % 7}`).join('\n')}\n`;

/** What the test's file server saw: requests per path, and requests closed by the client before their answer ended. */
interface Seen {
  requests: Map<string, number>;
  abandoned: Set<string>;
}

/**
 * The files the Python tool reads over plain HTTP, as Ordo's `content_url` will serve them:
 * `/sales.csv`, `/slow.csv` (in 8 parts, 700 ms apart), `/flaky.csv` (503 the first time),
 * `/report.pdf` (a real PDF), and `/stall.csv` (a first part, then nothing until the client goes).
 */
async function startFileServer(pdf: Uint8Array): Promise<{ server: Server; base: string; seen: Seen }> {
  const seen: Seen = { requests: new Map(), abandoned: new Set() };
  const server = createServer((req, res) => {
    const path = req.url ?? '';
    const n = (seen.requests.get(path) ?? 0) + 1;
    seen.requests.set(path, n);
    res.on('close', () => {
      if (!res.writableEnded) seen.abandoned.add(path);
    });
    const send = (body: string | Uint8Array, type = 'text/csv') => {
      res.writeHead(200, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
      res.end(body);
    };
    if (path === '/sales.csv') return send(CSV);
    if (path === '/report.pdf') return send(pdf, 'application/pdf');
    if (path === '/flaky.csv') {
      if (n === 1) return void res.writeHead(503).end('busy');
      return send(CSV);
    }
    if (path === '/slow.csv') return void streamInParts(res, SLOW_CSV, 8, 700);
    if (path === '/stall.csv') {
      res.writeHead(200, { 'content-type': 'text/csv', 'content-length': 1_000_000 });
      res.write('a,b\n1,2\n');
      return;
    }
    res.writeHead(404).end();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

async function streamInParts(res: ServerResponse, body: string, parts: number, gapMs: number): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/csv', 'content-length': Buffer.byteLength(body) });
  const size = Math.ceil(body.length / parts);
  for (let i = 0; i < body.length; i += size) {
    if (res.destroyed) return;
    res.write(body.slice(i, i + size));
    await new Promise((resolve) => setTimeout(resolve, gapMs));
  }
  res.end();
}

/** Runs a command of the example (`csv-profile <command>`) to its end, with `env`; its exit code and output. */
async function csvProfile(bin: string, command: string, env: Record<string, string>) {
  const child = spawn(bin, [command], { env: childProcessEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, output };
}

/**
 * The Python example for real: installed from PyPI into a venv, its worker polling the run's
 * Temporal dev server, registered with a real Ordo API process, and its activity run by a
 * one-activity TypeScript workflow as a job step will run it once dispatch exists.
 */
describe('python-tool example: a CSV profiler served by the Temporal Python SDK', () => {
  let bin: string;
  let files: Awaited<ReturnType<typeof startFileServer>>;
  let api: OrdoProcess;
  let apiBase: string;
  let removeDataDir: () => Promise<void>;
  let python: ChildProcess;
  let pythonOutput = '';
  let client: Client;
  let connection: NativeConnection;
  let worker: Worker;
  let running: Promise<void>;
  const toolQueue = uniqueTaskQueue('csv-profile');
  const workflowQueue = uniqueTaskQueue('csv-profile-caller');
  const temporalEnv = () => ({
    TEMPORAL_ADDRESS: temporalAddress(),
    TEMPORAL_NAMESPACE: temporalNamespace(),
    CSV_PROFILE_TASK_QUEUE: toolQueue,
  });

  beforeAll(async () => {
    const installStart = Date.now();
    bin = execFileSync('bash', [join(exampleDir, 'install.sh')], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    }).trim();
    console.log(`python-tool: install.sh took ${Date.now() - installStart} ms`);
    files = await startFileServer(await makePdf([['Quarterly report', 'Revenue: 10.5M']]));

    const dataDir = await tempDataDir('python-tool');
    removeDataDir = dataDir.remove;
    const port = await freePort();
    apiBase = `http://127.0.0.1:${port}`;
    api = startOrdoProcess('api', ordoProcessEnv({ label: 'python-tool', port, dataDir: dataDir.path }));

    python = spawn(bin, ['worker'], { env: childProcessEnv(temporalEnv()), stdio: ['ignore', 'pipe', 'pipe'] });
    python.stdout!.on('data', (c: Buffer) => (pythonOutput += c.toString()));
    python.stderr!.on('data', (c: Buffer) => (pythonOutput += c.toString()));

    client = await connectClient();
    connection = await connectWorker();
    worker = await Worker.create({
      connection,
      namespace: temporalNamespace(),
      taskQueue: workflowQueue,
      workflowsPath: fileURLToPath(new URL('./activity-workflow.ts', import.meta.url)),
    });
    running = worker.run();
    await waitForReady(apiBase, ['database', 'temporal']);
    await pollUntil(
      () => Promise.resolve(pythonOutput),
      (out) => out.includes('csv_profile worker polling') || python.exitCode !== null,
      { timeoutMs: 60_000, intervalMs: 100 },
    );
    expect(python.exitCode, pythonOutput).toBeNull();
  });

  afterAll(async () => {
    if (python?.exitCode === null) {
      python.kill('SIGTERM');
      await once(python, 'exit');
    }
    worker?.shutdown();
    await running;
    await connection?.close();
    await client?.connection.close();
    await api?.stop();
    files?.server.closeAllConnections();
    files?.server.close();
    await removeDataDir?.();
  });

  /** Starts the one-activity workflow calling `csv_profile` with `params`. */
  function profile(params: Record<string, unknown>, options: Partial<ActivityCall> = {}) {
    const call: ActivityCall = {
      activityType: 'csv_profile',
      taskQueue: toolQueue,
      params,
      heartbeatTimeoutMs: 10_000,
      maximumAttempts: 3,
      ...options,
    };
    return client.workflow.start('runActivity', {
      workflowId: `csv-profile-${Date.now()}-${Math.random().toString(36).slice(2)}`,
      taskQueue: workflowQueue,
      args: [call],
    });
  }
  const file = (path: string, extra: Record<string, unknown> = {}) => ({
    file_id: `file_${path.replace(/\W/g, '')}`,
    name: path.slice(1),
    content_url: `${files.base}${path}`,
    ...extra,
  });

  /** The ActivityFailure's cause a workflow ended with. */
  async function failureOf(result: Promise<unknown>): Promise<unknown> {
    const err = await result.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(WorkflowFailedError);
    const activityFailure = (err as WorkflowFailedError).cause;
    expect(activityFailure).toBeInstanceOf(ActivityFailure);
    return (activityFailure as ActivityFailure).cause;
  }

  it("the profiler's Python unit tests pass in the venv (python -m unittest)", async () => {
    const run = spawn(join(dirname(bin), 'python'), ['-m', 'unittest', 'discover', '-s', 'tests', '-t', '.'], {
      cwd: exampleDir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    run.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const [code] = (await once(run, 'exit')) as [number | null];
    expect(code, output).toBe(0);
    expect(output).toMatch(/Ran \d+ tests[\s\S]*OK/);
  });

  it('registers its contract with an admin key (again: 200, unchanged), and GET /v1/tools/csv_profile shows it', async () => {
    const env = { ...temporalEnv(), ORDO_API_URL: apiBase, ORDO_ADMIN_KEY: TEST_API_KEY };
    const first = await csvProfile(bin, 'register', env);
    expect(first, first.output).toMatchObject({ code: 0 });
    expect(first.output).toContain(`csv_profile 1.0.0 registered on task queue ${toolQueue}`);
    const again = await csvProfile(bin, 'register', env);
    expect(again.output).toContain('already registered (same contract)');

    const res = await fetch(`${apiBase}/v1/tools/csv_profile`, {
      headers: { authorization: `Bearer ${TEST_API_KEY}` },
    });
    expect(res.status).toBe(200);
    const tool = (await res.json()) as Record<string, unknown>;
    expect(tool).toMatchObject({
      tool_id: 'csv_profile',
      version: '1.0.0',
      task_queue: toolQueue,
      activity_type: 'csv_profile',
      deprecated: false,
      parameters: { type: 'object', required: ['file'] },
      outputs: { type: 'object', required: ['row_count', 'column_count', 'delimiter', 'truncated', 'columns'] },
      defaults: { timeout_seconds: 600, heartbeat_timeout_seconds: 30 },
      versions: [{ version: '1.0.0', deprecated: false }],
    });

    const noKey = await csvProfile(bin, 'register', { ...env, ORDO_ADMIN_KEY: '' });
    expect(noKey.code).not.toBe(0);
    expect(noKey.output).toContain('set ORDO_ADMIN_KEY');
  });

  it('profiles a CSV read over HTTP from content_url: its parameters object in, its outputs object out', async () => {
    const handle = await profile({ file: file('/sales.csv', { mime_type: 'text/csv' }) });
    expect(await handle.result()).toEqual({
      row_count: 4,
      column_count: 4,
      delimiter: ',',
      truncated: false,
      columns: [
        {
          name: 'city',
          type: 'text',
          nulls: 0,
          distinct: 3,
          top_values: [
            { value: 'Lyon', count: 2 },
            { value: 'Paris', count: 1 },
            { value: 'Nice', count: 1 },
          ],
        },
        { name: 'population', type: 'integer', nulls: 1, distinct: 3, min: 1, max: 2102650, mean: 874967 },
        { name: 'area_km2', type: 'number', nulls: 0, distinct: 4, min: 2, max: 105.4, mean: 56.7975 },
        {
          name: 'capital',
          type: 'boolean',
          nulls: 0,
          distinct: 3,
          top_values: [
            { value: 'false', count: 2 },
            { value: 'true', count: 1 },
            { value: 'no', count: 1 },
          ],
        },
      ],
    });
  });

  it('reports progress as heartbeat details { message, fraction } while it runs', async () => {
    const handle = await profile({ file: file('/slow.csv'), max_rows: 100 }, { heartbeatTimeoutMs: 2_000 });
    const seen: { message: string; fraction: number }[] = [];
    const done = handle.result();
    let ended = false;
    void done.finally(() => (ended = true));
    while (!ended) {
      const { raw } = await handle.describe();
      for (const pending of raw.pendingActivities ?? []) {
        const payload = pending.heartbeatDetails?.payloads?.[0];
        if (!payload) continue;
        const details = defaultPayloadConverter.fromPayload<{ message: string; fraction: number }>(payload);
        if (!seen.some((s) => s.message === details.message)) seen.push(details);
      }
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    expect(await done).toMatchObject({ row_count: 100, truncated: true, column_count: 2 });
    expect(seen.length, JSON.stringify(seen)).toBeGreaterThan(0);
    for (const details of seen) {
      expect(details.message).toMatch(/^(starting|downloading slow\.csv: \d+ of \d+ bytes|profiled \d+ rows)/);
      expect(details.fraction).toBeGreaterThanOrEqual(0);
      expect(details.fraction).toBeLessThanOrEqual(1);
    }
    expect(seen.some((s) => s.message.startsWith('downloading') && s.fraction > 0 && s.fraction < 0.5)).toBe(true);
  });

  it('fails without retry for a file that is not CSV: ApplicationFailure NOT_CSV naming the file', async () => {
    const handle = await profile({ file: file('/report.pdf') });
    const cause = await failureOf(handle.result());
    expect(cause).toBeInstanceOf(ApplicationFailure);
    expect(cause).toMatchObject({ type: 'NOT_CSV', nonRetryable: true });
    expect((cause as ApplicationFailure).message).toMatch(/^report\.pdf: /);
    expect(files.seen.requests.get('/report.pdf')).toBe(1);
  });

  it('retries a transient HTTP failure: the 503 of the first attempt, the profile of the second', async () => {
    const handle = await profile({ file: file('/flaky.csv') });
    expect(await handle.result()).toMatchObject({ row_count: 4, column_count: 4 });
    expect(files.seen.requests.get('/flaky.csv')).toBe(2);
    // Temporal records an activity's last attempt, with the failure of the one before.
    const events = (await handle.fetchHistory()).events ?? [];
    const started = events.flatMap((e) =>
      e.activityTaskStartedEventAttributes ? [e.activityTaskStartedEventAttributes] : [],
    );
    const attempts = started.map((s) => s.attempt);
    expect(started[0]?.lastFailure?.message).toBe('reading flaky.csv: HTTP 503 (transient; retried)');
    expect(started[0]?.lastFailure?.applicationFailureInfo).toMatchObject({
      type: 'HTTP_TRANSIENT',
      nonRetryable: false,
    });
    expect(attempts).toEqual([2]);
  });

  it('honours cancellation: a cancelled run stops reading mid-download and ends cancelled', async () => {
    const handle = await profile({ file: file('/stall.csv') }, { heartbeatTimeoutMs: 2_000, maximumAttempts: 1 });
    await pollUntil(
      async () => (await handle.describe()).raw.pendingActivities?.[0]?.heartbeatDetails?.payloads?.length ?? 0,
      (n) => n > 0,
      { timeoutMs: 60_000, intervalMs: 100 },
    );
    expect(files.seen.abandoned.has('/stall.csv')).toBe(false);
    await handle.cancel();
    const err = await handle.result().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect((err as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
    // The tool let go of the download: the file server saw the request closed before its answer ended.
    await pollUntil(
      () => Promise.resolve(files.seen.abandoned.has('/stall.csv')),
      (abandoned) => abandoned,
      { timeoutMs: 30_000, intervalMs: 100 },
    );
  });
});
