import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TEST_API_KEY, withApiKey } from './api-key';
import { pollUntil } from './poll';
import { seedFile } from './seed';

const seedDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'infra', 'seed');

/**
 * What a fuzzer needs to reach past the 404s: real IDs for each path parameter, as
 * Schemathesis dictionaries (`dictionaries`: name → values) bound to the parameters they
 * fill (`parameters`: `path.<name>` → dictionary name).
 */
export interface FuzzData {
  dictionaries: Record<string, (string | number)[]>;
  parameters: Record<string, string>;
}

/** Jobs of every kind the API treats differently, by what they are. */
export interface FuzzJobs {
  pending: string;
  completed: string;
  failed: string;
  /** Waiting on its `sys.human_confirm` step `gate`. */
  waiting: string;
  /** Past its gate, in a long `sleep`: one to pause, resume and cancel. */
  sleeping: string;
}

/** A workflow whose run can be held at every point: a confirmation, then a long sleep; inputs of every shape, nested nulls allowed. */
const GATE_WORKFLOW = {
  workflow_id: 'wf_fuzz_gate',
  name: 'Fuzz: confirm, then sleep',
  status: 'PUBLISHED',
  input_variables: [
    { name: 'tags', variable_id: 'tags', schema: { type: 'array' } },
    { name: 'note', variable_id: 'note', schema: { type: 'object' } },
    {
      name: 'limit',
      variable_id: 'limit',
      schema: { type: 'number', integer: true, minimum: 0, maximum: 100 },
      default: 3,
    },
    { name: 'label', variable_id: 'label', schema: { type: 'string', max_length: 40 } },
  ],
  steps: [
    {
      step_id: 'gate',
      type: 'sys.human_confirm',
      confirm: {
        prompt: 'Go on?',
        schema: { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'] },
      },
      output_mappings: { ok: 'went_on' },
    },
    {
      step_id: 'nap',
      tool: { tool_id: 'sleep', name: 'Sleep' },
      parameter_mappings: { ms: 600_000 },
      output_mappings: { slept_ms: 'slept' },
    },
  ],
};

/** A workflow whose one step fails at once: a FAILED job to retry. */
const FAIL_WORKFLOW = {
  workflow_id: 'wf_fuzz_fail',
  name: 'Fuzz: fails',
  status: 'PUBLISHED',
  input_variables: [],
  steps: [
    { step_id: 'warm', tool: { tool_id: 'noop', name: 'No-op' }, parameter_mappings: {}, output_mappings: {} },
    {
      step_id: 'boom',
      tool: { tool_id: 'fail', name: 'Fail' },
      parameter_mappings: { code: 'DELIBERATE_FAILURE', message: 'fails on purpose', retryable: false },
      output_mappings: {},
    },
  ],
};

/** A workflow left as a DRAFT: one to edit, publish and archive. */
const DRAFT_WORKFLOW = {
  workflow_id: 'wf_fuzz_draft',
  name: 'Fuzz: draft',
  status: 'DRAFT',
  input_variables: [{ name: 'text', variable_id: 'text', required: true, schema: { type: 'string' } }],
  steps: [
    {
      step_id: 'analyze',
      tool: { tool_id: 'text_analyzer', name: 'Analyze' },
      parameter_mappings: { text: 'text' },
      output_mappings: { analysis_results: 'analysis' },
    },
  ],
};

/**
 * Loads what a fuzzer works on into the API at `baseUrl`, through the API itself (docs/contract.md): seed 002's
 * workflow and its jobs (pending with its inputs set, and completed), a job waiting on a
 * confirmation and one sleeping past it (inputs holding nested nulls), a failed job, a draft
 * workflow with a second version, two uploaded files. The worker must run the test tools
 * (`ORDO_TEST_TOOLS=1`). Resolves once every job is in the state it is named after.
 */
export async function seedFuzzData(
  baseUrl: string,
  apiKey: string = TEST_API_KEY,
): Promise<{ data: FuzzData; jobs: FuzzJobs }> {
  const call = async (
    method: string,
    path: string,
    body?: unknown,
    expected: number[] = [200, 201, 202],
  ): Promise<Record<string, unknown>> => {
    const init: RequestInit =
      body instanceof FormData
        ? { method, body }
        : {
            method,
            ...(body !== undefined && {
              body: typeof body === 'string' ? body : JSON.stringify(body),
              headers: { 'content-type': 'application/json' },
            }),
          };
    const res = await fetch(`${baseUrl}${path}`, withApiKey(init, apiKey));
    const text = await res.text();
    if (!expected.includes(res.status))
      throw new Error(`seeding: ${method} ${path} answered ${res.status}: ${text.slice(0, 1000)}`);
    return text ? (JSON.parse(text) as Record<string, unknown>) : {};
  };
  const upload = async (name: string, bytes: Uint8Array, type: string) => {
    const form = new FormData();
    form.append('file', new Blob([bytes], { type }), name);
    return (await call('POST', '/v1/files', form)).file_id as string;
  };
  const jobStatus = (jobId: string) => call('GET', `/v1/jobs/${jobId}`);
  const waitFor = (jobId: string, until: (job: Record<string, unknown>) => boolean) =>
    pollUntil(() => jobStatus(jobId), until, { timeoutMs: 90_000, intervalMs: 250 });
  const stepOf = (job: Record<string, unknown>, stepId: string) =>
    (job.steps as { step_id: string; status: string }[]).find((s) => s.step_id === stepId);

  await call('POST', '/v1/workflows', seedFile('wf_analyze_document.json'));
  for (const workflow of [GATE_WORKFLOW, FAIL_WORKFLOW, DRAFT_WORKFLOW]) await call('POST', '/v1/workflows', workflow);
  await call('POST', '/v1/workflows/wf_analyze_document/versions', {
    from_version: 1,
    name: 'Analyze document, draft 2',
  });

  const pdf = await upload('q4-report.pdf', readFileSync(join(seedDir, 'q4-report.pdf')), 'application/pdf');
  const text = await upload('notes.txt', new TextEncoder().encode('Revenue grew 15% to 10.5M.\n'), 'text/plain');

  const seedJob = JSON.parse(seedFile('create-job-request.json')) as Record<string, unknown>;
  const inputs = { input_doc: { file_id: pdf, name: 'q4-report.pdf' }, depth: 'basic' };
  const pending = (await call('POST', '/v1/jobs', { ...seedJob, input_values: inputs })).job_id as string;
  const completed = (await call('POST', '/v1/jobs', { ...seedJob, input_values: inputs, start: true }))
    .job_id as string;
  const gateInputs = { tags: ['a', null, [null, { deep: null }]], note: { by: 'fuzz', empty: null }, label: 'held' };
  const gateJob = {
    workflow_id: GATE_WORKFLOW.workflow_id,
    name: 'Fuzz: held at the gate',
    input_values: gateInputs,
    start: true,
  };
  const waiting = (await call('POST', '/v1/jobs', gateJob)).job_id as string;
  const sleeping = (await call('POST', '/v1/jobs', { ...gateJob, name: 'Fuzz: sleeping' })).job_id as string;
  const failed = (
    await call('POST', '/v1/jobs', { workflow_id: FAIL_WORKFLOW.workflow_id, name: 'Fuzz: failed', start: true })
  ).job_id as string;

  await waitFor(waiting, (job) => stepOf(job, 'gate')?.status === 'RUNNING');
  await waitFor(sleeping, (job) => stepOf(job, 'gate')?.status === 'RUNNING');
  await call('POST', `/v1/jobs/${sleeping}/steps/gate/confirm`, { payload: { ok: true } });
  await waitFor(sleeping, (job) => stepOf(job, 'nap')?.status === 'RUNNING');
  await waitFor(completed, (job) => job.status === 'COMPLETED' || job.status === 'FAILED');
  await waitFor(failed, (job) => job.status === 'FAILED');

  const tools = ((await call('GET', '/v1/tools')).items as { tool_id: string }[]).map((t) => t.tool_id);
  // The reference's own files, as its page names them.
  const docsPage = await (await fetch(`${baseUrl}/docs`)).text();
  const assets = [...new Set([...docsPage.matchAll(/(?:href|src)="\/docs\/([^"/?#]+)"/g)].map((m) => m[1] as string))];

  const jobs = { pending, completed, failed, waiting, sleeping };
  const dictionaries: FuzzData['dictionaries'] = {
    job_ids: Object.values(jobs),
    file_ids: [pdf, text],
    workflow_ids: [
      'wf_analyze_document',
      GATE_WORKFLOW.workflow_id,
      FAIL_WORKFLOW.workflow_id,
      DRAFT_WORKFLOW.workflow_id,
    ],
    versions: [1, 2],
    step_ids: ['step_1', 'step_2', 'gate', 'nap', 'warm', 'boom'],
    variables: [
      'input_doc',
      'depth',
      'document_text',
      'final_analysis',
      'tags',
      'note',
      'limit',
      'label',
      'went_on',
      'slept',
    ],
    input_ids: ['input_doc', 'depth', 'tags', 'note', 'limit', 'label'],
    tool_ids: tools,
    assets,
  };
  const parameters = {
    'path.job_id': 'job_ids',
    'path.file_id': 'file_ids',
    'path.workflow_id': 'workflow_ids',
    'path.version': 'versions',
    'path.step_id': 'step_ids',
    'path.variable': 'variables',
    'path.variable_id': 'input_ids',
    'path.tool_id': 'tool_ids',
    'path.asset': 'assets',
  };
  return { data: { dictionaries, parameters }, jobs };
}
