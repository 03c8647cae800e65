import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ApiAnswer, OrdoHttp } from './http';

const seedDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'infra', 'seed');

/** The value every many-step job carries through its chain of `tally` steps. */
export const FAULTS_CHAIN_VALUE = 'ordo-faults';
/** The heartbeat timeout of the many-step workflows' steps; the seed workflow's are held to the platform's 15 s. */
export const STEPS_HEARTBEAT_S = 10;
/** The platform's default heartbeat timeout, which the seed workflow's steps run with (but `text_analyzer`, with its own 60 s). */
export const PLATFORM_HEARTBEAT_S = 15;

/** A kind of job a scenario runs: which workflow, with which inputs, and how its output is checked. */
export interface JobKind {
  /** `seed` (seed 002's example on infra/seed/q4-report.pdf, docs/contract.md) or `steps` (a chain of `tally` steps). */
  kind: 'seed' | 'steps';
  workflow_id: string;
  input_values: Record<string, unknown>;
  /** Whether a COMPLETED job's `output_data` is what this workflow must produce. */
  expected: (output: Record<string, unknown>) => boolean;
  /** The steps' heartbeat timeout: a lost attempt is retried within it. */
  heartbeat_s: number;
}

/**
 * Publishes a workflow of `steps` `tally` steps chained `v0 → v1 → … → v<steps>`, each waiting
 * `ms` (heartbeat timeout {@link STEPS_HEARTBEAT_S}, the platform's retry policy), and returns
 * the kind of job it makes.
 */
export async function publishStepsWorkflow(http: OrdoHttp, steps: number, ms: number): Promise<JobKind> {
  const workflow_id = `faults_steps_${steps}x${ms}`;
  const answer = await http.send('POST', '/v1/workflows', {
    json: {
      workflow_id,
      name: `Faults: ${steps} tally steps of ${ms} ms`,
      status: 'PUBLISHED',
      input_variables: [{ name: 'value', variable_id: 'v0', required: true, schema: { type: 'string' } }],
      steps: Array.from({ length: steps }, (_, i) => ({
        step_id: `s${i + 1}`,
        tool: { tool_id: 'tally', name: 'Tally' },
        parameter_mappings: { ms: { const: ms }, value: `v${i}` },
        output_mappings: { value: `v${i + 1}` },
        heartbeat_timeout_seconds: STEPS_HEARTBEAT_S,
      })),
      output_variables: [`v${steps}`],
    },
  });
  if (answer.status !== 201)
    throw new Error(`publishing ${workflow_id}: ${answer.status} ${JSON.stringify(answer.body)}`);
  return {
    kind: 'steps',
    workflow_id,
    input_values: { v0: FAULTS_CHAIN_VALUE },
    expected: (output) => output[`v${steps}`] === FAULTS_CHAIN_VALUE,
    heartbeat_s: STEPS_HEARTBEAT_S,
  };
}

/** Publishes seed 002's workflow, uploads infra/seed/q4-report.pdf, and returns the kind of job that analyses it. */
export async function publishSeedWorkflow(http: OrdoHttp): Promise<JobKind> {
  const published = await http.send('POST', '/v1/workflows', {
    json: JSON.parse(readFileSync(join(seedDir, 'wf_analyze_document.json'), 'utf8')),
  });
  if (published.status !== 201)
    throw new Error(`publishing the seed workflow: ${published.status} ${JSON.stringify(published.body)}`);
  const form = new FormData();
  form.append(
    'file',
    new Blob([readFileSync(join(seedDir, 'q4-report.pdf'))], { type: 'application/pdf' }),
    'q4-report.pdf',
  );
  const uploaded = await http.send('POST', '/v1/files', { form });
  if (uploaded.status !== 201)
    throw new Error(`uploading q4-report.pdf: ${uploaded.status} ${JSON.stringify(uploaded.body)}`);
  const file_id = (uploaded.body as { file_id: string }).file_id;
  return {
    kind: 'seed',
    workflow_id: 'wf_analyze_document',
    input_values: { input_doc: { file_id }, depth: 'detailed' },
    expected: (output) =>
      Object.keys(output).join() === 'final_analysis' &&
      typeof output.final_analysis === 'object' &&
      output.final_analysis !== null,
    heartbeat_s: PLATFORM_HEARTBEAT_S,
  };
}

/**
 * How a client creates and starts a job: `POST /v1/jobs` then `POST /v1/jobs/{id}/start` (each
 * with a key of its own), or one `POST /v1/jobs` with `start: true`.
 */
export type LaunchMode = 'two-requests' | 'one-request';

/** What the client sent for one job and the answers it finally got. */
export interface Launch {
  /** The job's name, unique to the launch: how its job (or jobs) are found again. */
  name: string;
  kind: JobKind;
  mode: LaunchMode;
  /** The idempotency keys sent: the create's, and the start's in two requests. */
  keys: string[];
  job_id?: string;
  sent_at: number;
  /** When the client had its final answers (or gave up). */
  done_at?: number;
  /** Every answer, in order: `<request> <status>[ replayed][: <code or error>]`. */
  answers: string[];
  /** The launch ended with the job created and started (as far as the client could tell). */
  ok: boolean;
}

/**
 * Creates and starts one job as a careful client does: every request with its idempotency key,
 * sent again with the same key after no answer, a 5xx, or `IDEMPOTENCY_KEY_IN_USE` (after its
 * `Retry-After`), until `deadline` (ms since the epoch). A start answered `JOB_NOT_PENDING`
 * means an earlier attempt started it. `api(attempt)` picks the API each request goes to.
 */
export async function launchJob(api: (attempt: number) => OrdoHttp, launch: Launch, deadline: number): Promise<Launch> {
  let attempt = 0;
  const sendUntilAnswered = async (
    what: string,
    path: string,
    json: unknown,
    key: string,
  ): Promise<ApiAnswer | undefined> => {
    for (;;) {
      const answer = await api(attempt++).send('POST', path, { json, key, timeoutMs: 20_000 });
      const code = (answer.body as { code?: string } | undefined)?.code;
      launch.answers.push(
        `${what} ${answer.status}${answer.replayed ? ' replayed' : ''}${code ? `: ${code}` : answer.error ? `: ${answer.error}` : ''}`,
      );
      const again = answer.status === 0 || answer.status >= 500 || code === 'IDEMPOTENCY_KEY_IN_USE';
      if (!again) return answer;
      if (Date.now() > deadline) return undefined;
      await new Promise((resolve) => setTimeout(resolve, Math.min(5, answer.retry_after_s ?? 0.5) * 1000));
    }
  };
  const { kind } = launch;
  if (launch.mode === 'one-request') {
    const created = await sendUntilAnswered(
      'create+start',
      '/v1/jobs',
      { workflow_id: kind.workflow_id, name: launch.name, input_values: kind.input_values, start: true },
      launch.keys[0]!,
    );
    launch.job_id = (created?.body as { job_id?: string } | undefined)?.job_id;
    launch.ok = created?.status === 202;
  } else {
    const created = await sendUntilAnswered(
      'create',
      '/v1/jobs',
      { workflow_id: kind.workflow_id, name: launch.name },
      launch.keys[0]!,
    );
    launch.job_id = (created?.body as { job_id?: string } | undefined)?.job_id;
    if (created?.status === 201 && launch.job_id !== undefined) {
      const started = await sendUntilAnswered(
        'start',
        `/v1/jobs/${launch.job_id}/start`,
        { input_values: kind.input_values },
        launch.keys[1]!,
      );
      const code = (started?.body as { code?: string } | undefined)?.code;
      launch.ok = started?.status === 202 || code === 'JOB_NOT_PENDING';
    }
  }
  launch.done_at = Date.now();
  return launch;
}

/** A new launch of `kind`, named and keyed by `tag` and its number. */
export function newLaunch(tag: string, index: number, kind: JobKind, mode: LaunchMode): Launch {
  const name = `faults ${tag} ${index}`;
  const keys =
    mode === 'one-request' ? [`${tag}-${index}-create-start`] : [`${tag}-${index}-create`, `${tag}-${index}-start`];
  return { name, kind, mode, keys, sent_at: Date.now(), answers: [], ok: false };
}

/** Runs `launches` at most `concurrency` at a time; resolves when all have their answers. */
export async function launchAll(
  api: (attempt: number) => OrdoHttp,
  launches: Launch[],
  concurrency: number,
  deadline: number,
): Promise<Launch[]> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < launches.length) {
      const launch = launches[next++]!;
      launch.sent_at = Date.now();
      await launchJob(api, launch, deadline);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, launches.length) }, lane));
  return launches;
}
