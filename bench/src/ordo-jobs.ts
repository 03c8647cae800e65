import type { Client } from '@temporalio/client';
import { withApiKey } from '@ordo/testing';

/** The value every job carries through its chain of noop steps. */
export const CHAIN_VALUE = 'ordo-bench';

/** How long one Ordo job took, phase by phase, in milliseconds. */
export interface OrdoJobTiming {
  job_id: string;
  /** `POST /v1/jobs` round trip (with `start: true`, the whole create and start). */
  create_ms: number;
  /** `POST /v1/jobs/{id}/start` round trip (0 when the create request started the job). */
  start_ms: number;
  /** From sending the start request (with `start: true`, the create request) to the run's result, through the Temporal client. */
  start_to_result_ms: number;
}

/**
 * Creates a PUBLISHED workflow of `steps` noop steps chained through variables
 * `v0 → v1 → … → v<steps>` (`v0` the one input), the same chain the baseline runs; of
 * another tool of noop's contract with `toolId` (the external tools bench).
 */
export async function createNoopWorkflow(api: string, steps: number, toolId = 'noop'): Promise<string> {
  const workflowId = `bench_${toolId}_${steps}`;
  const body = {
    workflow_id: workflowId,
    name: `Bench: ${steps} noop steps`,
    description: 'A chain of noop steps, for the interpretation benchmark',
    status: 'PUBLISHED',
    input_variables: [{ name: 'value', variable_id: 'v0', required: true, schema: { type: 'string' } }],
    steps: Array.from({ length: steps }, (_, i) => ({
      step_id: `step_${i + 1}`,
      sequence_number: i,
      tool: { tool_id: toolId, name: 'No-op' },
      parameter_mappings: { value: `v${i}` },
      output_mappings: { value: `v${i + 1}` },
    })),
  };
  await postJson(api, '/v1/workflows', body, 201);
  return workflowId;
}

/**
 * How a client creates and starts a job: `POST /v1/jobs`, then `POST /v1/jobs/{id}/start`
 * with its input in the start body (seed 002's createJob and startJob, docs/contract.md), or one `POST /v1/jobs`
 * with the input and `start: true`.
 */
export type StartMode = 'two-requests' | 'one-request';

/**
 * Runs one Ordo job as a client of the API would: create and start it (`mode`), then wait
 * for its Temporal run (workflow ID = job_id) to complete.
 */
export async function runOrdoJob(
  api: string,
  client: Client,
  workflowId: string,
  mode: StartMode = 'two-requests',
): Promise<OrdoJobTiming> {
  const t0 = performance.now();
  const create = { workflow_id: workflowId, name: 'bench job' };
  const input_values = { v0: CHAIN_VALUE };
  const created = (await (mode === 'one-request'
    ? postJson(api, '/v1/jobs', { ...create, input_values, start: true }, 202)
    : postJson(api, '/v1/jobs', create, 201))) as StartedJob;
  const t1 = performance.now();
  const started =
    mode === 'two-requests'
      ? ((await postJson(api, `/v1/jobs/${created.job_id}/start`, { input_values }, 202)) as StartedJob)
      : created;
  const t2 = performance.now();
  // The run the start answered with, as the baseline's client waits on the run it started
  // (without a run ID, Temporal first looks up the workflow ID's current run).
  const result = (await client.workflow.getHandle(created.job_id, started.runs.at(-1)?.run_id).result()) as {
    status?: string;
  };
  const t3 = performance.now();
  if (result.status !== 'Completed') throw new Error(`job ${created.job_id} ended ${String(result.status)}`);
  // With one request the start was sent with the creation.
  const startSent = mode === 'one-request' ? t0 : t1;
  return { job_id: created.job_id, create_ms: t1 - t0, start_ms: t2 - t1, start_to_result_ms: t3 - startSent };
}

/** What the bench reads of a create or start answer. */
interface StartedJob {
  job_id: string;
  runs: { run_id: string }[];
}

/** The job as the API answers it, to check it is COMPLETED with the chain's value. */
export async function fetchJob(
  api: string,
  jobId: string,
): Promise<{ status: string; output_data: Record<string, unknown> }> {
  return (await getJson(api, `/v1/jobs/${jobId}`)) as { status: string; output_data: Record<string, unknown> };
}

/** GET of a path of the bench's API (with the test key); throws on any status but 2xx. */
export async function getJson(api: string, path: string): Promise<unknown> {
  const res = await fetch(`${api}${path}`, withApiKey());
  if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

/** POST of a JSON body to a path of the bench's API (with the test key); throws unless it answers `expected`. */
export async function postJson(api: string, path: string, body: unknown, expected: number): Promise<unknown> {
  // The API the bench starts accepts the test key (startOrdoProcess).
  const res = await fetch(
    `${api}${path}`,
    withApiKey({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  );
  const text = await res.text();
  if (res.status !== expected)
    throw new Error(`POST ${path}: ${res.status}, expected ${expected}: ${text.slice(0, 2000)}`);
  return JSON.parse(text) as unknown;
}
