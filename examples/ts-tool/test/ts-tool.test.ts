import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WorkflowFailedError, type Client } from '@temporalio/client';
import { ActivityFailure, ApplicationFailure, CancelledFailure, defaultPayloadConverter } from '@temporalio/common';
import { Worker, type NativeConnection } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeTool, registerTool, ToolRegistrationError } from '@ordo/tool-kit';
import {
  childProcessEnv,
  connectClient,
  connectWorker,
  freePort,
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
import type { ActivityCall } from '../../python-tool/test/activity-workflow';
import { fileChecksum } from '../src/file-checksum.js';

const exampleDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const kitDir = join(exampleDir, '..', '..', 'packages', 'tool-kit');
/** The python-tool example's one-activity workflow: calls an activity by type on another queue, as dispatch will. */
const activityWorkflow = join(exampleDir, '..', 'python-tool', 'test', 'activity-workflow.ts');

const REPORT = new TextEncoder().encode('Quarterly report\nRevenue: 10.5M\n'.repeat(50));
/** 3 MiB, streamed in 12 parts 500 ms apart: slow enough to see download progress. */
const SLOW = new Uint8Array(3 << 20).map((_, i) => i % 251);

/** What the stand-in server saw: requests by path, requests closed before their answer ended, and uploads. */
interface Seen {
  requests: Map<string, number>;
  abandoned: Set<string>;
  uploads: { name: string; type: string; text: string }[];
}

/**
 * Stands in for Ordo's file URLs (the files part of issue 17 signs them): `/report.txt`,
 * `/slow.bin` (in parts), `/stall.bin` (a first part, then nothing until the client goes),
 * `/gone.txt` (403, as an expired URL), and `POST /upload` (multipart, answering 201 with a FileValue).
 */
async function startFileServer(): Promise<{ server: Server; base: string; seen: Seen }> {
  const seen: Seen = { requests: new Map(), abandoned: new Set(), uploads: [] };
  const server = createServer((req, res) => {
    const path = req.url ?? '';
    seen.requests.set(path, (seen.requests.get(path) ?? 0) + 1);
    res.on('close', () => {
      if (!res.writableEnded) seen.abandoned.add(path);
    });
    if (path === '/report.txt') return void res.writeHead(200, { 'content-length': REPORT.length }).end(REPORT);
    if (path === '/slow.bin') return void streamInParts(res, SLOW, 12, 500);
    if (path === '/stall.bin') {
      res.writeHead(200, { 'content-length': 1_000_000 });
      res.write(SLOW.subarray(0, 1000));
      return;
    }
    if (path === '/gone.txt') return void res.writeHead(403).end('signature expired');
    if (path === '/upload' && req.method === 'POST') return void receiveUpload(req, res, seen);
    res.writeHead(404).end();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

async function receiveUpload(req: IncomingMessage, res: ServerResponse, seen: Seen) {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const form = await new Response(Buffer.concat(chunks), {
    headers: { 'content-type': req.headers['content-type'] ?? '' },
  }).formData();
  const file = form.get('file');
  if (!(file instanceof File)) return void res.writeHead(422).end();
  const text = await file.text();
  seen.uploads.push({ name: file.name, type: file.type, text });
  res.writeHead(201, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ file_id: 'file_uploaded', name: file.name, mime_type: 'text/plain', size: file.size }));
}

async function streamInParts(res: ServerResponse, body: Uint8Array, parts: number, gapMs: number): Promise<void> {
  res.writeHead(200, { 'content-length': body.length });
  const size = Math.ceil(body.length / parts);
  for (let i = 0; i < body.length; i += size) {
    if (res.destroyed) return;
    res.write(body.subarray(i, i + size));
    await new Promise((resolve) => setTimeout(resolve, gapMs));
  }
  res.end();
}

/** Builds the kit (tsc to dist/) when a source file is newer than its build: the example imports only dist/. */
async function buildKitIfStale(): Promise<void> {
  const built = await stat(join(kitDir, 'dist', 'index.js')).then(
    (s) => s.mtimeMs,
    () => 0,
  );
  const sources = (await readdir(join(kitDir, 'src'))).map((f) => join(kitDir, 'src', f));
  const newest = Math.max(...(await Promise.all(sources.map(async (f) => (await stat(f)).mtimeMs))));
  if (built > newest) return;
  const tsc = createRequire(join(kitDir, 'package.json')).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: kitDir, stdio: 'inherit' });
}

/** Runs a command of the example (`src/main.ts <command>`) to its end; its exit code and output. */
async function example(command: string, env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', command], {
    cwd: exampleDir,
    env: childProcessEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, output };
}

/**
 * The TypeScript example for real: `file_checksum`, written with the built `@ordo/tool-kit`,
 * served by `runToolWorker` in a process of its own (registered with a real Ordo API process,
 * polling the run's Temporal dev server), its activity run by a one-activity workflow as a
 * job step will run it once dispatch exists.
 */
describe('ts-tool example: file_checksum served by @ordo/tool-kit', () => {
  let files: Awaited<ReturnType<typeof startFileServer>>;
  let api: OrdoProcess;
  let apiBase: string;
  let removeDataDir: () => Promise<void>;
  let tool: ChildProcess;
  let toolOutput = '';
  let client: Client;
  let connection: NativeConnection;
  let worker: Worker;
  let running: Promise<void>;
  const toolQueue = uniqueTaskQueue('file-checksum');
  const workflowQueue = uniqueTaskQueue('file-checksum-caller');
  const exampleEnv = () => ({
    TEMPORAL_ADDRESS: temporalAddress(),
    TEMPORAL_NAMESPACE: temporalNamespace(),
    FILE_CHECKSUM_TASK_QUEUE: toolQueue,
    ORDO_API_URL: apiBase,
    ORDO_ADMIN_KEY: TEST_API_KEY,
  });

  beforeAll(async () => {
    await buildKitIfStale();
    files = await startFileServer();
    const dataDir = await tempDataDir('ts-tool');
    removeDataDir = dataDir.remove;
    const port = await freePort();
    apiBase = `http://127.0.0.1:${port}`;
    api = startOrdoProcess('api', ordoProcessEnv({ label: 'ts-tool', port, dataDir: dataDir.path }));
    client = await connectClient();
    connection = await connectWorker();
    worker = await Worker.create({
      connection,
      namespace: temporalNamespace(),
      taskQueue: workflowQueue,
      workflowsPath: activityWorkflow,
    });
    running = worker.run();
    await waitForReady(apiBase, ['database', 'temporal']);

    tool = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'worker'], {
      cwd: exampleDir,
      env: childProcessEnv(exampleEnv()),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    tool.stdout!.on('data', (c: Buffer) => (toolOutput += c.toString()));
    tool.stderr!.on('data', (c: Buffer) => (toolOutput += c.toString()));
    await pollUntil(
      () => Promise.resolve(toolOutput),
      (out) => out.includes('file_checksum worker polling') || tool.exitCode !== null,
      { timeoutMs: 60_000, intervalMs: 100 },
    );
    expect(tool.exitCode, toolOutput).toBeNull();
  });

  afterAll(async () => {
    if (tool?.exitCode === null) {
      tool.kill('SIGTERM');
      await once(tool, 'exit');
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

  function checksum(params: Record<string, unknown>, options: Partial<ActivityCall> = {}) {
    const call: ActivityCall = {
      activityType: 'file_checksum',
      taskQueue: toolQueue,
      params,
      heartbeatTimeoutMs: 10_000,
      maximumAttempts: 3,
      ...options,
    };
    return client.workflow.start('runActivity', {
      workflowId: `file-checksum-${Date.now()}-${Math.random().toString(36).slice(2)}`,
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

  it("resolves @ordo/tool-kit to the kit's built dist/, as a project outside this repository would", () => {
    const resolved = execFileSync(
      process.execPath,
      ['--input-type=module', '-e', "console.log(import.meta.resolve('@ordo/tool-kit'))"],
      { cwd: exampleDir, encoding: 'utf8' },
    ).trim();
    expect(resolved).toMatch(/\/packages\/tool-kit\/dist\/index\.js$/);
  });

  it('packs the kit as npm would publish it: dist/*.js and dist/*.d.ts, no source, no workspace: dependency', async () => {
    const out = await mkdtemp(join(tmpdir(), 'tool-kit-pack-'));
    try {
      execFileSync('pnpm', ['pack', '--pack-destination', out], { cwd: kitDir, stdio: 'ignore' });
      const [tarball] = await readdir(out);
      const listed = execFileSync('tar', ['-tzf', join(out, tarball!)], { encoding: 'utf8' })
        .trim()
        .split('\n');
      expect(listed).toContain('package/dist/index.js');
      expect(listed).toContain('package/dist/index.d.ts');
      expect(listed).toContain('package/dist/host.js');
      expect(listed).toContain('package/dist/tool-worker.d.ts');
      expect(listed.filter((f) => /\.ts$/.test(f) && !f.endsWith('.d.ts'))).toEqual([]);
      expect(listed.some((f) => f.includes('.test.'))).toBe(false);
      const manifest = execFileSync('tar', ['-xzOf', join(out, tarball!), 'package/package.json'], {
        encoding: 'utf8',
      });
      expect(manifest).not.toContain('workspace:');
      const pkg = JSON.parse(manifest) as Record<string, Record<string, string> | undefined>;
      expect(pkg.dependencies ?? {}).toEqual({});
      expect(Object.keys(pkg.peerDependencies ?? {}).sort()).toEqual([
        '@temporalio/activity',
        '@temporalio/common',
        '@temporalio/worker',
        'zod',
      ]);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });

  it('registered its contract at start: GET /v1/tools/file_checksum shows it; again is 200, a changed contract a 409', async () => {
    const res = await fetch(`${apiBase}/v1/tools/file_checksum`, {
      headers: { authorization: `Bearer ${TEST_API_KEY}` },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      tool_id: 'file_checksum',
      version: '1.0.0',
      task_queue: toolQueue,
      activity_type: 'file_checksum',
      deprecated: false,
      parameters: {
        type: 'object',
        required: ['file'],
        properties: { checksum_upload_url: { type: 'string', 'x-ordo-upload-url': true } },
      },
      outputs: { type: 'object', required: ['algorithm', 'checksum', 'size'] },
      defaults: { timeout_seconds: 600, heartbeat_timeout_seconds: 30, retry_policy: { maximum_attempts: 3 } },
      versions: [{ version: '1.0.0', deprecated: false }],
    });

    const again = await example('register', exampleEnv());
    expect(again, again.output).toMatchObject({ code: 0 });
    expect(again.output).toContain('file_checksum 1.0.0 already registered (same contract)');

    const changed = { ...describeTool(fileChecksum), description: 'Something else' };
    const conflict = await registerTool({ url: apiBase, key: TEST_API_KEY }, changed, {
      taskQueue: toolQueue,
      activityType: 'file_checksum',
    }).catch((e: unknown) => e);
    expect(conflict).toBeInstanceOf(ToolRegistrationError);
    expect(conflict).toMatchObject({ status: 409, code: 'TOOL_VERSION_CONFLICT', fields: ['description'] });
    expect((conflict as Error).message).toContain('differs: description');

    const noKey = await example('register', { ...exampleEnv(), ORDO_ADMIN_KEY: '' });
    expect(noKey.code).not.toBe(0);
    expect(noKey.output).toContain('set ORDO_ADMIN_KEY');
  });

  it('computes a checksum of a file read from content_url and uploads the checksum file: parameters in, outputs out', async () => {
    const handle = await checksum({
      file: file('/report.txt', { size: REPORT.length }),
      checksum_upload_url: `${files.base}/upload`,
    });
    const sha256 = createHash('sha256').update(REPORT).digest('hex');
    expect(await handle.result()).toEqual({
      algorithm: 'sha256',
      checksum: sha256,
      size: REPORT.length,
      checksum_file: { file_id: 'file_uploaded', name: 'report.txt.sha256', mime_type: 'text/plain', size: 77 },
    });
    expect(files.seen.uploads).toEqual([
      { name: 'report.txt.sha256', type: 'text/plain', text: `${sha256}  report.txt\n` },
    ]);
    const sha1 = await checksum({ file: file('/report.txt'), algorithm: 'sha1' });
    expect(await sha1.result()).toEqual({
      algorithm: 'sha1',
      checksum: createHash('sha1').update(REPORT).digest('hex'),
      size: REPORT.length,
    });
  });

  it('refuses bad parameters without retry: INVALID_PARAMETERS naming the field', async () => {
    const handle = await checksum({ file: { file_id: 'f1' }, algorithm: 'md4' });
    const cause = await failureOf(handle.result());
    expect(cause).toBeInstanceOf(ApplicationFailure);
    expect(cause).toMatchObject({ type: 'INVALID_PARAMETERS', nonRetryable: true });
    expect((cause as ApplicationFailure).message).toMatch(/^file\.name: is required; algorithm: /);
  });

  it('fails for good, with its code, on a refused URL (an expired signature), after one request', async () => {
    const handle = await checksum({ file: file('/gone.txt') });
    const cause = await failureOf(handle.result());
    expect(cause).toMatchObject({ type: 'FILE_UNREADABLE', nonRetryable: true });
    expect((cause as ApplicationFailure).message).toBe('reading gone.txt: HTTP 403 signature expired');
    expect(files.seen.requests.get('/gone.txt')).toBe(1);
  });

  it('reports progress as heartbeat details { message, fraction } while it runs', async () => {
    // Temporal throttles heartbeats to 80% of the heartbeat timeout: a short one shows more of them.
    const handle = await checksum({ file: file('/slow.bin') }, { heartbeatTimeoutMs: 2_000 });
    const seen: { message: string; fraction?: number }[] = [];
    const done = handle.result();
    let ended = false;
    void done.finally(() => (ended = true));
    while (!ended) {
      const { raw } = await handle.describe();
      for (const pending of raw.pendingActivities ?? []) {
        const payload = pending.heartbeatDetails?.payloads?.[0];
        if (!payload) continue;
        const details = defaultPayloadConverter.fromPayload<{ message: string; fraction?: number }>(payload);
        if (!seen.some((s) => s.message === details.message)) seen.push(details);
      }
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    expect(await done).toMatchObject({ size: SLOW.length, checksum: createHash('sha256').update(SLOW).digest('hex') });
    expect(seen.length, JSON.stringify(seen)).toBeGreaterThan(0);
    for (const details of seen) {
      expect(details.message).toMatch(/^(downloading slow\.bin(: \d+ of \d+ bytes)?|hashed \d+ of \d+ bytes)$/);
      expect(details.fraction).toBeGreaterThanOrEqual(0);
      expect(details.fraction).toBeLessThanOrEqual(1);
    }
    expect(
      seen.some((s) => s.message.startsWith('downloading slow.bin: ') && s.fraction! > 0 && s.fraction! < 0.5),
      JSON.stringify(seen),
    ).toBe(true);
  });

  it('honours cancellation: a cancelled run stops the download and ends cancelled', async () => {
    const handle = await checksum({ file: file('/stall.bin') }, { heartbeatTimeoutMs: 5_000, maximumAttempts: 1 });
    await pollUntil(
      async () => (await handle.describe()).raw.pendingActivities?.[0]?.heartbeatDetails?.payloads?.length ?? 0,
      (n) => n > 0,
      { timeoutMs: 60_000, intervalMs: 100 },
    );
    expect(files.seen.abandoned.has('/stall.bin')).toBe(false);
    await handle.cancel();
    const err = await handle.result().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect((err as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
    await pollUntil(
      () => Promise.resolve(files.seen.abandoned.has('/stall.bin')),
      (abandoned) => abandoned,
      { timeoutMs: 30_000, intervalMs: 100 },
    );
  });
});
