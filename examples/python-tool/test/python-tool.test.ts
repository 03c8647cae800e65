import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  childProcessEnv,
  connectClient,
  freePort,
  makePdf,
  ordoProcessEnv,
  pollUntil,
  ResponseChecker,
  startOrdoProcess,
  tempDataDir,
  TEST_API_KEY,
  uniqueTaskQueue,
  waitForReady,
  withApiKey,
  type OpenApiDocument,
  type OrdoProcess,
} from '@ordo/testing';
import { startNetworkLink, type NetworkLink } from './network-link';

const exampleDir = join(dirname(fileURLToPath(import.meta.url)), '..');

const CSV =
  'city,population,area_km2,capital\nParis,2102650,105.4,true\nLyon,522250,47.87,false\nNice,,71.92,false\nLyon,1,2,no\n';

/** The profile csv_profile makes of {@link CSV}. */
const PROFILE = {
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
};

/** Runs a command of the example (`csv-profile <command>`) to its end, with `env`; its exit code and output. */
async function csvProfile(bin: string, command: string, env: Record<string, string>) {
  const child = spawn(bin, [command], { env: childProcessEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, output };
}

/** The fields of a job (`GET /v1/jobs/{id}`) this test reads. */
interface Job {
  job_id: string;
  status: string;
  error_message?: string;
  live_output: string;
  output_data: Record<string, unknown>;
  steps: {
    step_id: string;
    status: string;
    attempt: number;
    error_message?: string;
    output_data?: Record<string, unknown>;
  }[];
  runs: { cancelled?: boolean }[];
}

/** The summary json_transform computes from the PDF's text and the CSV's profile. */
const SUMMARY = `{
  "report_pages": report.pages,
  "mentions_revenue": $contains(report.text, "Revenue: 10.5M"),
  "rows": table.rows,
  "numeric_columns": [table.columns[type in ["integer", "number"]].name],
  "text_columns": [table.columns[type = "text"].name]
}`;

/**
 * The Python example for real, as a step of Ordo jobs through the API: installed from PyPI into
 * a venv, an API process, an Ordo worker process (pdf_extractor, json_transform) and the Python
 * worker (csv_profile) on its own task queue, registered with its `register` command. The Ordo
 * worker signs each file's `content_url` on a base URL that is a forwarding link to the API
 * process ({@link startNetworkLink}): the API checks the signature, the link plays the network
 * between the tool and the API (slow, failing once, stalled).
 */
describe('python-tool example: csv_profile as a job step (pdf_extractor → csv_profile → json_transform)', () => {
  let bin: string;
  let api: OrdoProcess;
  let worker: OrdoProcess;
  let base: string;
  let link: NetworkLink;
  let removeDataDir: () => Promise<void>;
  let python: ChildProcess;
  let pythonOutput = '';
  let checker: ResponseChecker;
  let pdfBytes: Uint8Array;
  let client: Client;
  const toolQueue = uniqueTaskQueue('csv-profile-job');
  const workflowId = `wf_pyjob_${Math.random().toString(36).slice(2, 8)}`;
  const registerEnv = () => ({ CSV_PROFILE_TASK_QUEUE: toolQueue, ORDO_API_URL: base, ORDO_ADMIN_KEY: TEST_API_KEY });

  /** A request to the API process, its answer checked against the OpenAPI document it serves. */
  async function call(path: string, init?: RequestInit): Promise<Response> {
    const res = await fetch(`${base}${path}`, withApiKey(init));
    await checker.checkResponse(init?.method ?? 'GET', `${base}${path}`, res);
    return res;
  }
  const send = (method: string, path: string, body?: unknown) =>
    call(path, {
      method,
      ...(body !== undefined && { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
  const getJob = async (jobId: string) => (await (await call(`/v1/jobs/${jobId}`)).json()) as Job;
  const waitForJob = (jobId: string, until: (job: Job) => boolean, timeoutMs = 90_000) =>
    pollUntil(() => getJob(jobId), until, { timeoutMs, intervalMs: 100 });
  const waitForEnd = (jobId: string) => waitForJob(jobId, (j) => j.status === 'COMPLETED' || j.status === 'FAILED');

  async function uploadFile(bytes: Uint8Array | string, name: string, type: string): Promise<string> {
    const form = new FormData();
    form.append('file', new Blob([bytes], { type }), name);
    const res = await call('/v1/files', { method: 'POST', body: form });
    expect(res.status, await res.clone().text()).toBe(201);
    return ((await res.json()) as { file_id: string }).file_id;
  }

  /** Creates and starts a job of the workflow on the report PDF and `tableFileId` as the table. */
  async function startJobOn(tableFileId: string): Promise<string> {
    const reportId = await uploadFile(pdfBytes, 'report.pdf', 'application/pdf');
    const created = await send('POST', '/v1/jobs', { workflow_id: workflowId, name: 'profile a table' });
    expect(created.status, await created.clone().text()).toBe(201);
    const { job_id } = (await created.json()) as Job;
    const started = await send('POST', `/v1/jobs/${job_id}/start`, {
      input_values: { report: { file_id: reportId }, table: { file_id: tableFileId } },
    });
    expect(started.status, await started.clone().text()).toBe(202);
    return job_id;
  }

  beforeAll(async () => {
    const installStart = Date.now();
    bin = execFileSync('bash', [join(exampleDir, 'install.sh')], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    }).trim();
    console.log(`python-tool: install.sh took ${Date.now() - installStart} ms`);
    pdfBytes = await makePdf([['Quarterly report', 'Revenue: 10.5M']]);

    const dataDir = await tempDataDir('python-tool-job');
    removeDataDir = dataDir.remove;
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    link = await startNetworkLink(base);
    const env = ordoProcessEnv({ label: 'python-tool-job', port, dataDir: dataDir.path });
    api = startOrdoProcess('api', env);
    // The worker signs content URLs on the link, which forwards them to the API process.
    worker = startOrdoProcess('worker', { ...env, ORDO_PUBLIC_URL: link.base });
    python = spawn(bin, ['worker'], {
      env: childProcessEnv({
        TEMPORAL_ADDRESS: env.TEMPORAL_ADDRESS!,
        TEMPORAL_NAMESPACE: env.TEMPORAL_NAMESPACE!,
        CSV_PROFILE_TASK_QUEUE: toolQueue,
      }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    python.stdout!.on('data', (c: Buffer) => (pythonOutput += c.toString()));
    python.stderr!.on('data', (c: Buffer) => (pythonOutput += c.toString()));

    await waitForReady(base, ['database', 'temporal', 'worker'], 90_000);
    checker = new ResponseChecker((await (await fetch(`${base}/openapi.json`)).json()) as OpenApiDocument);
    await pollUntil(
      () => Promise.resolve(pythonOutput),
      (out) => out.includes('csv_profile worker polling') || python.exitCode !== null,
      { timeoutMs: 60_000, intervalMs: 100 },
    );
    expect(python.exitCode, pythonOutput).toBeNull();

    client = await connectClient();

    // The tool's own command registers its contract, with an admin key.
    const registered = await csvProfile(bin, 'register', registerEnv());
    expect(registered, registered.output).toMatchObject({ code: 0 });
    expect(registered.output).toContain(`csv_profile 1.0.0 registered on task queue ${toolQueue}`);

    const published = await send('POST', '/v1/workflows', {
      workflow_id: workflowId,
      name: 'Report and table summary',
      status: 'PUBLISHED',
      input_variables: [
        {
          name: 'report',
          variable_id: 'report',
          required: true,
          schema: { type: 'file', mime_types: ['application/pdf'] },
        },
        // Any file: the tool, not the workflow, decides what is CSV.
        { name: 'table', variable_id: 'table', required: true, schema: { type: 'file' } },
      ],
      steps: [
        {
          step_id: 'extract',
          tool: { tool_id: 'pdf_extractor', name: 'PDF Text Extractor' },
          parameter_mappings: { input_file: 'report' },
          output_mappings: { extracted_text: 'report_text', page_count: 'report_pages' },
        },
        {
          step_id: 'profile',
          tool: { tool_id: 'csv_profile', name: 'CSV profiler' },
          parameter_mappings: { file: 'table' },
          output_mappings: { row_count: 'table_rows', columns: 'table_columns' },
          // Heartbeats every ~0.7 s (the SDK throttles to 0.8 × this): progress and a cancel seen soon.
          heartbeat_timeout_seconds: 2,
        },
        {
          step_id: 'summarize',
          tool: { tool_id: 'json_transform', name: 'JSON Transform' },
          parameter_mappings: {
            input: {
              report: { pages: 'report_pages', text: 'report_text' },
              table: { rows: 'table_rows', columns: 'table_columns' },
            },
            expression: { const: SUMMARY },
          },
          output_mappings: { result: 'summary' },
        },
      ],
      output_variables: ['summary'],
    });
    expect(published.status, await published.clone().text()).toBe(201);
  }, 180_000);

  afterAll(async () => {
    if (python?.exitCode === null) {
      python.kill('SIGTERM');
      await once(python, 'exit');
    }
    await worker?.stop();
    await api?.stop();
    await link?.close();
    await client?.connection.close();
    await removeDataDir?.();
  });

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

  it('registers again with the same contract (200: unchanged), refuses without a key, and GET /v1/tools/csv_profile shows it', async () => {
    const again = await csvProfile(bin, 'register', registerEnv());
    expect(again, again.output).toMatchObject({ code: 0 });
    expect(again.output).toContain('already registered (same contract)');
    const noKey = await csvProfile(bin, 'register', { ...registerEnv(), ORDO_ADMIN_KEY: '' });
    expect(noKey.code).not.toBe(0);
    expect(noKey.output).toContain('set ORDO_ADMIN_KEY');

    const res = await call('/v1/tools/csv_profile');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
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
  });

  it('runs the job: progress in live_output while the tool reads its CSV through content_url, then the summary', async () => {
    const tableId = await uploadFile(CSV, 'sales.csv', 'text/csv');
    link.fault(tableId, 'pace');
    const jobId = await startJobOn(tableId);
    const progressing = await waitForJob(jobId, (j) => /downloading sales\.csv: \d+ of \d+ bytes/.test(j.live_output));
    expect(progressing.status).toBe('RUNNING');
    expect(progressing.steps.map((s) => s.status)).toEqual(['COMPLETED', 'RUNNING', 'PENDING']);

    const ended = await waitForEnd(jobId);
    expect(ended.status, ended.error_message).toBe('COMPLETED');
    expect(ended.steps[1]).toMatchObject({ step_id: 'profile', status: 'COMPLETED', attempt: 1 });
    expect(ended.steps[1]?.output_data).toEqual(PROFILE);
    expect(ended.output_data).toEqual({
      summary: {
        report_pages: 1,
        mentions_revenue: true,
        rows: 4,
        numeric_columns: ['population', 'area_km2'],
        text_columns: ['city'],
      },
    });
    // The bytes came from the API process through a signed URL: no API key, one request.
    const reads = link.contentRequests(tableId);
    expect(reads).toHaveLength(1);
    expect(reads[0]).toMatchObject({ method: 'GET', authorized: false, status: 200, abandoned: false });
    expect([...reads[0]!.query.keys()].sort()).toEqual(['expires', 'job_id', 'signature']);
    expect(reads[0]!.query.get('job_id')).toBe(jobId);
  });

  it('retries a transient failure: the link answers 503 once, attempt 2 of the step reads the file', async () => {
    const tableId = await uploadFile(CSV, 'flaky.csv', 'text/csv');
    link.fault(tableId, 'fail-once');
    const jobId = await startJobOn(tableId);
    const ended = await waitForEnd(jobId);
    expect(ended.status, ended.error_message).toBe('COMPLETED');
    expect(ended.steps[1]).toMatchObject({ step_id: 'profile', status: 'COMPLETED', attempt: 2 });
    expect(link.contentRequests(tableId).map((r) => r.status)).toEqual([503, 200]);
    expect(ended.output_data.summary).toMatchObject({ rows: 4 });
    // Temporal retried it because of the tool's own retryable failure, recorded with the last attempt.
    const events = (await client.workflow.getHandle(jobId).fetchHistory()).events ?? [];
    const scheduled = new Set(
      events
        .filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'csv_profile')
        .map((e) => String(e.eventId)),
    );
    const started = events.flatMap((e) =>
      e.activityTaskStartedEventAttributes &&
      scheduled.has(String(e.activityTaskStartedEventAttributes.scheduledEventId))
        ? [e.activityTaskStartedEventAttributes]
        : [],
    );
    expect(started.map((s) => s.attempt)).toEqual([2]);
    expect(started[0]?.lastFailure?.message).toBe('reading flaky.csv: HTTP 503 (transient; retried)');
    expect(started[0]?.lastFailure?.applicationFailureInfo).toMatchObject({
      type: 'HTTP_TRANSIENT',
      nonRetryable: false,
    });
  });

  it("fails the job without retry for a PDF given as the table, with the tool's NOT_CSV message", async () => {
    const tableId = await uploadFile(pdfBytes, 'table.pdf', 'application/pdf');
    const jobId = await startJobOn(tableId);
    const ended = await waitForEnd(jobId);
    expect(ended.status).toBe('FAILED');
    expect(ended.error_message).toContain("file 'table.pdf' is application/pdf, not CSV");
    expect(ended.steps.map((s) => [s.status, s.attempt])).toEqual([
      ['COMPLETED', 1],
      ['FAILED', 1],
      ['PENDING', 0],
    ]);
    expect(ended.steps[1]?.error_message).toContain('not CSV');
    // The API detected the upload's type from its bytes; the tool refused it from the FileValue, unread.
    expect(link.contentRequests(tableId)).toEqual([]);
  });

  it('stops the Python tool mid-download on an API cancel: the tool says so, the download closes, the job ends cancelled', async () => {
    const tableId = await uploadFile(CSV, 'stalled.csv', 'text/csv');
    link.fault(tableId, 'stall');
    const jobId = await startJobOn(tableId);
    await waitForJob(jobId, (j) => /downloading stalled\.csv/.test(j.live_output));
    expect(link.contentRequests(tableId)[0]?.abandoned).toBe(false);

    const cancel = await send('POST', `/v1/jobs/${jobId}/cancel`);
    expect(cancel.status, await cancel.clone().text()).toBeLessThan(300);
    const ended = await waitForEnd(jobId);
    expect(ended).toMatchObject({ status: 'FAILED', error_message: 'Job cancelled by user' });
    expect(ended.runs[0]?.cancelled).toBe(true);
    // The tool learnt of it through its heartbeat, logged it and let go of the download.
    await pollUntil(
      () => Promise.resolve(pythonOutput),
      (out) => out.includes(`cancelled: stopped profiling stalled.csv for job ${jobId}`),
      { timeoutMs: 30_000, intervalMs: 100 },
    );
    await pollUntil(
      () => Promise.resolve(link.contentRequests(tableId)[0]?.abandoned),
      (abandoned) => abandoned === true,
      { timeoutMs: 30_000, intervalMs: 100 },
    );
  });
});
