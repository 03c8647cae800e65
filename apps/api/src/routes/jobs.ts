import type { RouteConfig } from '@hono/zod-openapi';
import { z } from 'zod';
import {
  CreateJobRequest,
  ExecutionState,
  Job,
  JobSummary,
  RetryPlan,
  RuntimeWorkflowExecution,
  SchemaValue,
  SetInputValueRequest,
  Variables,
} from '@ordo/core';
import type { AppDeps } from '../deps';
import { createJobSystems } from '../jobs/job-systems';
import { idempotencyOf } from '../idempotency';
import { ListJobsQuery } from '../list-jobs-query';
import { component, createRouter, jsonRequest, jsonResponse, links, route } from '../openapi';
import { JOB_EXAMPLES } from '../openapi-examples';

// Core's schemas as named components of the document (referenced, not inlined, wherever used).
const JobRef = component(Job, 'Job');
const RetryPlanRef = component(RetryPlan, 'RetryPlan');
const CreateJobRequestRef = component(CreateJobRequest, 'CreateJobRequest');
// `value` may be null (which clears the input) but not left out: zod's `unknown` reads as optional to the generator.
const SetInputValueRequestRef = component(SetInputValueRequest, 'SetInputValueRequest', { required: ['value'] });

/** The body of `POST /v1/jobs/{job_id}/start`: optional inputs set and validated as one change before starting. */
export const StartJobRequest = component(
  z.strictObject({
    input_values: z
      .record(z.string(), z.unknown())
      .optional()
      .describe('Input values by variable_id, set and validated with the start as one change; `null` clears one'),
  }),
  'StartJobRequest',
);
export type StartJobRequest = z.infer<typeof StartJobRequest>;

/** The query of `POST /v1/jobs/{job_id}/retry`. */
export const RetryJobQuery = z.strictObject({
  /** A step at or before the one that failed to start from; the failed step by default. */
  from_step: z
    .string()
    .min(1)
    .max(128)
    .optional()
    .describe('A step at or before the one the run stopped at; that step by default'),
  dry_run: z.enum(['true', 'false']).optional().describe('`true`: answer the plan and start nothing'),
});
export type RetryJobQuery = z.infer<typeof RetryJobQuery>;

/** The answer of `GET /v1/jobs`: a page of summaries, newest first. */
export const JobList = component(
  z.object({
    items: z.array(component(JobSummary, 'JobSummary')),
    next_cursor: z.string().nullable().describe('The `cursor` of the next page; null on the last one'),
  }),
  'JobList',
);
export type JobList = z.infer<typeof JobList>;

/** The answer of `GET /v1/jobs/{job_id}/execution-state`: seed 000's executionState (docs/contract.md), every value whole. */
export const ExecutionStateAnswer = component(
  ExecutionState.extend({
    stale: z
      .literal(true)
      .optional()
      .describe(
        'Present when the running workflow could not be asked in time: the state is the last one the run persisted',
      ),
  }),
  'ExecutionState',
);
export type ExecutionStateAnswer = z.infer<typeof ExecutionStateAnswer>;

/** The answer of the inputs check (seed 002's `areInputsValid` / `validateInputs`). */
export const InputsCheck = component(
  z.object({
    valid: z.boolean(),
    input_values: Variables.describe('The values the run would use: those set, and defaults of unset inputs'),
    input_errors: z.record(z.string(), z.string()).describe('By variable_id: what is missing or no longer valid'),
  }),
  'InputsCheck',
);
export type InputsCheck = z.infer<typeof InputsCheck>;

/** One job variable, whole: `GET /v1/jobs/{job_id}/outputs/{variable}`. */
export const VariableValue = component(z.object({ variable: z.string(), value: SchemaValue }), 'VariableValue');
export type VariableValue = z.infer<typeof VariableValue>;

/** The answer of a retry that started: its plan and the job with its new run. */
export const RetryStarted = component(z.object({ plan: RetryPlanRef, job: JobRef }), 'RetryStarted');
export type RetryStarted = z.infer<typeof RetryStarted>;

/** The answer of `?dry_run=true`: what a retry would do; nothing started. */
export const RetryDryRun = component(z.object({ plan: RetryPlanRef, dry_run: z.literal(true) }), 'RetryDryRun');
export type RetryDryRun = z.infer<typeof RetryDryRun>;

/** IDs in paths: generated IDs are far shorter; a longer one is refused before any lookup. */
const JobIdParam = z.object({ job_id: z.string().min(1).max(128).describe('The job_id returned by POST /v1/jobs') });
const JobVariableParams = JobIdParam.extend({
  variable_id: z.string().min(1).max(128).describe("One of the job's input variables"),
});
const JobOutputParams = JobIdParam.extend({
  variable: z.string().min(1).max(128).describe('A job variable: an input, or one a step wrote'),
});

const TAGS: [string] = ['jobs'];
const JobLocation = z.object({ Location: z.string().describe("The job's path: /v1/jobs/{job_id}") });

/** What a created job opens: reading it, its inputs, and controlling it. */
const JOB_LINKS = links(
  { job_id: '$response.body#/job_id' },
  {
    GetJob: ['get', '/v1/jobs/{job_id}', 'The job'],
    GetExecutionState: ['get', '/v1/jobs/{job_id}/execution-state', 'Its execution state'],
    GetInputs: ['get', '/v1/jobs/{job_id}/inputs', 'Whether its inputs are valid'],
    ValidateInputs: ['post', '/v1/jobs/{job_id}/inputs/validate', 'Its inputs checked again'],
    StartJob: ['post', '/v1/jobs/{job_id}/start', 'Start it'],
    PauseJob: ['post', '/v1/jobs/{job_id}/pause', 'Pause it'],
    ResumeJob: ['post', '/v1/jobs/{job_id}/resume', 'Resume it'],
    CancelJob: ['post', '/v1/jobs/{job_id}/cancel', 'Cancel it'],
    ResetJob: ['post', '/v1/jobs/{job_id}/reset', 'Reset it'],
    RetryJob: ['post', '/v1/jobs/{job_id}/retry', 'Retry it once failed'],
  },
);

const createJob = route({
  operationId: 'createJob',
  method: 'post',
  path: '/',
  tags: TAGS,
  summary: 'Create a job',
  description:
    "Creates a PENDING job from a PUBLISHED workflow version (the latest unless `workflow_version` is given), with seed 002's CreateJobRequest. `input_variables`, when given, must equal the workflow's. `input_values` are set with the creation (an invalid one: 422 `INPUTS_INVALID`, nothing created); `input_errors` lists the inputs still to set. With `start: true` the job also starts, as `POST /v1/jobs/{job_id}/start` would: 202 with the job RUNNING, or 422 `INPUTS_INVALID` when any input is missing or invalid, and nothing is created.",
  request: {
    headers: z.object({
      'x-correlation-id': z
        .string()
        .optional()
        .describe('Carried by the job and its runs (1–128 visible ASCII characters; a random UUID otherwise)'),
    }),
    body: jsonRequest(CreateJobRequestRef, { examples: JOB_EXAMPLES.createJobRequest }),
  },
  responses: {
    201: {
      ...jsonResponse(JobRef, 'The job, PENDING', JOB_EXAMPLES.createdJob),
      headers: JobLocation,
      links: JOB_LINKS,
    },
    202: {
      ...jsonResponse(
        JobRef,
        'With `start: true`: the job, RUNNING. A request retried with the Idempotency-Key of the one that created the job: that job as it is now, once started (RUNNING or ended)',
        JOB_EXAMPLES.runningJob,
      ),
      headers: JobLocation,
      links: JOB_LINKS,
    },
  },
  // 409: the named version is DRAFT or ARCHIVED (or was archived while the job was created). 503: `start` could not reach Temporal (the job stays, PENDING).
  problems: [409, 503],
});

const listJobs = route({
  operationId: 'listJobs',
  method: 'get',
  path: '/',
  tags: TAGS,
  summary: 'List jobs',
  description:
    'Job summaries newest first (no steps, inputs or outputs). Pass `next_cursor` as `cursor` for the next page.',
  request: { query: ListJobsQuery },
  responses: { 200: jsonResponse(JobList, 'A page of jobs') },
});

const getJob = route({
  operationId: 'getJob',
  method: 'get',
  path: '/{job_id}',
  tags: TAGS,
  summary: 'Get a job',
  description:
    'As stored once finished; live from its workflow while it runs (`stale: true` when the workflow could not be asked in time). Large values are replaced by a reference to `GET /v1/jobs/{job_id}/outputs/{variable}`.',
  request: { params: JobIdParam },
  responses: { 200: jsonResponse(JobRef, 'The job', JOB_EXAMPLES.job) },
  problems: [404],
});

const getExecutionState = route({
  operationId: 'getExecutionState',
  method: 'get',
  path: '/{job_id}/execution-state',
  tags: TAGS,
  summary: "Get a job's execution state",
  description: "Seed 000's `executionState`, with every value whole.",
  request: { params: JobIdParam },
  responses: { 200: jsonResponse(ExecutionStateAnswer, 'The execution state', JOB_EXAMPLES.executionState) },
  problems: [404],
});

const ExecutionAnswer = component(
  RuntimeWorkflowExecution.extend({ stale: z.literal(true).optional() }),
  'RuntimeWorkflowExecution',
);

const getExecution = route({
  operationId: 'getExecution',
  method: 'get',
  path: '/{job_id}/execution',
  tags: TAGS,
  summary: "Get a job's runtime execution (seed 001)",
  description:
    "Seed 001's `TRuntimeWorkflowExecution`, camelCase as the seed: the same run state as the Job view, mapped (a cancelled job is `Cancelled` here, `FAILED` there). Steps are keyed by step execution ID (`<run_id>:<step_id>`).",
  request: { params: JobIdParam },
  responses: { 200: jsonResponse(ExecutionAnswer, 'The runtime execution') },
  problems: [404],
});

/** The body of `POST /v1/jobs/{job_id}/steps/{step_id}/confirm`. */
export const ConfirmStepRequest = z.strictObject({
  payload: z
    .record(z.string(), SchemaValue)
    .optional()
    .describe("The confirmation's data, checked against the step's `schema`; becomes the step's outputs"),
});
export type ConfirmStepRequest = z.infer<typeof ConfirmStepRequest>;

const confirmStep = route({
  operationId: 'confirmStep',
  method: 'post',
  path: '/{job_id}/steps/{step_id}/confirm',
  tags: TAGS,
  summary: 'Confirm a waiting sys.human_confirm step',
  description:
    "Sends the workflow's `confirm` update. 422 when the payload breaks the step's `schema` or the step is not a confirmation; 409 when the job is not running or the step is not waiting (not reached yet, already confirmed, or past its due time).",
  request: {
    params: JobIdParam.extend({ step_id: z.string().min(1).max(128) }),
    body: jsonRequest(ConfirmStepRequest, { required: false }),
  },
  responses: { 200: jsonResponse(JobRef, 'The job, the confirmation taken') },
  problems: [404, 409, 503],
});

const getVariable = route({
  operationId: 'getJobVariable',
  method: 'get',
  path: '/{job_id}/outputs/{variable}',
  tags: TAGS,
  summary: 'Get one job variable, whole',
  description:
    "An input or a step's output by `variable_id`, its value whole even where the job's answers abbreviate it.",
  request: { params: JobOutputParams },
  responses: { 200: jsonResponse(VariableValue, 'The variable and its value', JOB_EXAMPLES.variableValue) },
  problems: [404],
});

const getInputs = route({
  operationId: 'areInputsValid',
  method: 'get',
  path: '/{job_id}/inputs',
  tags: TAGS,
  summary: "Check a job's inputs (areInputsValid)",
  description: 'Checks every stored value again (a file may have been deleted) without storing anything.',
  request: { params: JobIdParam },
  responses: { 200: jsonResponse(InputsCheck, 'Whether the inputs are valid, and why not', JOB_EXAMPLES.inputsCheck) },
  problems: [404],
});

const validateJobInputs = route({
  operationId: 'validateInputs',
  method: 'post',
  path: '/{job_id}/inputs/validate',
  tags: TAGS,
  summary: "Validate a pending job's inputs (validateInputs)",
  description: "Checks every stored value again and stores the job's `input_errors`.",
  request: { params: JobIdParam },
  responses: { 200: jsonResponse(InputsCheck, 'Whether the inputs are valid, and why not', JOB_EXAMPLES.inputsCheck) },
  problems: [404, 409],
});

const setInput = route({
  operationId: 'setInputValue',
  method: 'put',
  path: '/{job_id}/inputs/{variable_id}',
  tags: TAGS,
  summary: 'Set one input of a pending job (setInputValue)',
  description: '`null` clears it. An invalid value is refused with 422 naming the rule, and nothing is stored.',
  request: {
    params: JobVariableParams,
    body: jsonRequest(SetInputValueRequestRef, { examples: JOB_EXAMPLES.setInputValueRequest }),
  },
  responses: { 200: jsonResponse(JobRef, 'The job with the value set') },
  problems: [404, 409],
});

const clearInputs = route({
  operationId: 'clearInputs',
  method: 'delete',
  path: '/{job_id}/inputs',
  tags: TAGS,
  summary: "Clear a pending job's inputs (clearInputs)",
  description: 'Every input value removed; only a PENDING job has inputs to clear (409 otherwise).',
  request: { params: JobIdParam },
  responses: { 200: jsonResponse(JobRef, 'The job, its missing inputs listed in `input_errors` again') },
  problems: [404, 409],
});

const startJob = route({
  operationId: 'startJob',
  method: 'post',
  path: '/{job_id}/start',
  tags: TAGS,
  summary: 'Start a pending job (startJob)',
  description:
    'Optional `input_values` are set and validated with the start as one change: when any input is missing or invalid the answer is 422 `INPUTS_INVALID` with `input_errors`, and nothing changes.',
  request: {
    params: JobIdParam,
    body: jsonRequest(StartJobRequest, { required: false, examples: JOB_EXAMPLES.startJobRequest }),
  },
  responses: { 202: jsonResponse(JobRef, 'The job, RUNNING', JOB_EXAMPLES.runningJob) },
  problems: [404, 409, 503],
});

/** A control route: no body; the job after the change, or 409 naming its state. */
function controlRoute<A extends 'pause' | 'resume' | 'cancel' | 'reset', R extends RouteConfig['responses']>(
  action: A,
  summary: string,
  description: string,
  responses: R,
) {
  return route({
    operationId: `${action}Job`,
    method: 'post',
    path: `/{job_id}/${action}`,
    tags: TAGS,
    summary,
    description,
    request: { params: JobIdParam },
    responses,
    problems: [404, 409, 503],
  });
}

const pauseJob = controlRoute(
  'pause',
  'Pause a running job',
  'Takes effect at the next step boundary; answered once the workflow applied it.',
  {
    200: jsonResponse(JobRef, 'The job, `execution_progress.is_paused: true`'),
  },
);
const resumeJob = controlRoute('resume', 'Resume a paused job', 'Answered once the workflow applied it.', {
  200: jsonResponse(JobRef, 'The job, no longer paused'),
});
const cancelJob = controlRoute(
  'cancel',
  'Cancel a running job (cancelJob)',
  'Temporal\'s native cancellation: the running tool is told to stop and the job ends FAILED with "Job cancelled by user". Waits up to 15 s for the run to end.',
  { 202: jsonResponse(JobRef, 'The job; FAILED once the run has ended', JOB_EXAMPLES.cancelledJob) },
);
const resetJob = controlRoute(
  'reset',
  'Reset a job to PENDING (resetJob)',
  'Steps, outputs, errors and progress cleared, inputs kept; a running run is cancelled first. A new start is a new run.',
  {
    200: jsonResponse(JobRef, 'The job, PENDING'),
  },
);

const retryJob = route({
  operationId: 'retryJob',
  method: 'post',
  path: '/{job_id}/retry',
  tags: TAGS,
  summary: 'Retry a failed job',
  description:
    "A new run from the step that failed (or `from_step`, at or before it), reusing the completed steps' recorded outputs. With `dry_run=true`, only the plan.",
  request: { params: JobIdParam, query: RetryJobQuery },
  responses: {
    200: jsonResponse(RetryDryRun, 'The plan (dry run); nothing started', JOB_EXAMPLES.retryDryRun),
    202: jsonResponse(RetryStarted, 'The plan and the job with its new run', JOB_EXAMPLES.retryStarted),
  },
  problems: [404, 409, 503],
});

/** The correlation ID of a request: its `X-Correlation-Id` header, when it is usable as one. */
function correlationId(header: string | undefined): string | undefined {
  const value = header?.trim();
  return value && /^[\x21-\x7e]{1,128}$/.test(value) ? value : undefined;
}

/** `/v1/jobs`: create, set inputs, start, follow and control jobs (seeds 000 and 002). */
export function jobRoutes(deps: AppDeps) {
  const jobs = createJobSystems(deps);
  return createRouter()
    .openapi(createJob, async (c) => {
      const request = c.req.valid('json');
      const job = await jobs.inputs.create(
        request,
        correlationId(c.req.valid('header')['x-correlation-id']),
        idempotencyOf(c),
      );
      const location = { Location: `/v1/jobs/${job.job_id}` };
      // A create retried with its Idempotency-Key answers its job as it is now: started or ended since, a 202.
      return job.status === 'PENDING' ? c.json(job, 201, location) : c.json(job, 202, location);
    })
    .openapi(listJobs, async (c) => c.json(await jobs.reads.list(c.req.valid('query')), 200))
    .openapi(getJob, async (c) => c.json(await jobs.reads.get(c.req.valid('param').job_id), 200))
    .openapi(getExecutionState, async (c) => c.json(await jobs.reads.executionState(c.req.valid('param').job_id), 200))
    .openapi(getExecution, async (c) => c.json(await jobs.reads.execution(c.req.valid('param').job_id), 200))
    .openapi(confirmStep, async (c) => {
      const { job_id, step_id } = c.req.valid('param');
      return c.json(await jobs.control.confirm(job_id, step_id, c.req.valid('json').payload), 200);
    })
    .openapi(getVariable, async (c) => {
      const { job_id, variable } = c.req.valid('param');
      return c.json(await jobs.reads.variable(job_id, variable), 200);
    })
    .openapi(getInputs, async (c) =>
      c.json(await jobs.inputs.checkStoredInputs(c.req.valid('param').job_id, false), 200),
    )
    .openapi(validateJobInputs, async (c) =>
      c.json(await jobs.inputs.checkStoredInputs(c.req.valid('param').job_id, true), 200),
    )
    .openapi(setInput, async (c) => {
      const { job_id, variable_id } = c.req.valid('param');
      return c.json(await jobs.inputs.setInput(job_id, variable_id, c.req.valid('json').value), 200);
    })
    .openapi(clearInputs, async (c) => c.json(await jobs.inputs.clearInputs(c.req.valid('param').job_id), 200))
    .openapi(startJob, async (c) =>
      c.json(
        await jobs.launches.start(c.req.valid('param').job_id, c.req.valid('json').input_values, idempotencyOf(c)),
        202,
      ),
    )
    .openapi(pauseJob, async (c) => c.json(await jobs.control.pause(c.req.valid('param').job_id), 200))
    .openapi(resumeJob, async (c) => c.json(await jobs.control.resume(c.req.valid('param').job_id), 200))
    .openapi(cancelJob, async (c) => c.json(await jobs.control.cancel(c.req.valid('param').job_id), 202))
    .openapi(resetJob, async (c) => c.json(await jobs.control.reset(c.req.valid('param').job_id), 200))
    .openapi(retryJob, async (c) => {
      const query = c.req.valid('query');
      const result = await jobs.launches.retry(c.req.valid('param').job_id, query.from_step, query.dry_run === 'true');
      return result.job
        ? c.json({ plan: result.plan, job: result.job }, 202)
        : c.json({ plan: result.plan, dry_run: true as const }, 200);
    });
}
