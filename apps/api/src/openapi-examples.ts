import type { CreateJobRequest, ExecutionState, InputVariable, Job, JobStep, RetryPlan } from '@ordo/core';
import type { Examples } from './openapi';

/*
 * The examples of the OpenAPI document, taken from seeds 000 and 002 (docs/contract.md) (the job `job_abc123`
 * analysing "Q4 2023 financial report"), completed with the fields Ordo's answers always
 * carry so each is a body the API really gives. `apps/api/test/openapi.test.ts` checks the create
 * request equals infra/seed/create-job-request.json and every example validates against its
 * schema in the document, so they cannot drift from either.
 */

/** Seed 002's input variables: a PDF and an analysis depth. */
const INPUT_VARIABLES: InputVariable[] = [
  {
    name: 'document',
    variable_id: 'input_doc',
    required: true,
    schema: { type: 'file', mime_types: ['application/pdf'] },
  },
  {
    name: 'analysis_depth',
    variable_id: 'depth',
    required: true,
    schema: { type: 'string', enum: ['basic', 'detailed', 'comprehensive'] },
  },
];

/** Seed 002's example CreateJobRequest, as infra/seed/create-job-request.json holds it. */
const CREATE_JOB_REQUEST: CreateJobRequest = {
  workflow_id: 'wf_analyze_document',
  name: 'Analyze Q4 Report',
  description: 'Analysis of Q4 2023 financial report',
  input_variables: INPUT_VARIABLES,
};

/** Seed 002's steps as Ordo stores them (the step `type` made explicit). */
const STEP_DEFINITIONS = [
  {
    type: 'tool',
    step_id: 'step_1',
    sequence_number: 0,
    tool: { tool_id: 'pdf_extractor', name: 'PDF Text Extractor' },
    parameter_mappings: { input_file: 'input_doc', extraction_mode: 'full' },
    output_mappings: { extracted_text: 'document_text' },
  },
  {
    type: 'tool',
    step_id: 'step_2',
    sequence_number: 1,
    tool: { tool_id: 'text_analyzer', name: 'Text Analysis Tool' },
    parameter_mappings: { text: 'document_text', analysis_level: 'depth' },
    output_mappings: { analysis_results: 'final_analysis' },
  },
] as const;

const INPUT_VALUES = {
  input_doc: { file_id: 'file_xyz789', name: 'Q4_2023_Report.pdf', mime_type: 'application/pdf', size: 48213 },
  depth: 'detailed',
};
const RUN_ID = '0195b1f2-8c4e-7a31-9d2e-3f4a5b6c7d8e';
const FINAL_ANALYSIS = { summary: 'The Q4 2023 report shows...', key_metrics: { revenue: '10.5M', growth: '15%' } };

function step(
  index: 0 | 1,
  runtime: Omit<JobStep, keyof (typeof STEP_DEFINITIONS)[0] | 'job_id' | 'sequence_number'>,
): JobStep {
  return {
    ...STEP_DEFINITIONS[index],
    parameter_mappings: { ...STEP_DEFINITIONS[index].parameter_mappings },
    output_mappings: { ...STEP_DEFINITIONS[index].output_mappings },
    tool: { ...STEP_DEFINITIONS[index].tool },
    job_id: 'job_abc123',
    sequence_number: index,
    ...runtime,
  };
}

/** A step's record once its first attempt (of seed 002's three) ended `status`, with its outputs or error. */
function endedStep(
  index: 0 | 1,
  status: 'COMPLETED' | 'FAILED',
  result: Pick<JobStep, 'output_data' | 'error_message'>,
  started_at: string,
  completed_at: string,
): JobStep {
  return step(index, { status, attempt: 1, max_attempts: 3, ...result, started_at, completed_at });
}

/** Seed 002's "Example created Job". */
const CREATED_JOB: Job = {
  job_id: 'job_abc123',
  workflow_id: 'wf_analyze_document',
  workflow_version: 1,
  name: 'Analyze Q4 Report',
  description: 'Analysis of Q4 2023 financial report',
  status: 'PENDING',
  created_at: '2024-03-20T10:30:00Z',
  updated_at: '2024-03-20T10:30:00Z',
  input_variables: INPUT_VARIABLES,
  input_values: {},
  input_errors: { input_doc: 'document is required', depth: 'analysis_depth is required' },
  steps: [step(0, { status: 'PENDING', attempt: 0 }), step(1, { status: 'PENDING', attempt: 0 })],
  execution_progress: { current_step: 0, total_steps: 2, is_paused: false },
  live_output: '',
  output_data: {},
  correlation_id: '6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f',
  context: {},
  runs: [],
  links: { temporal_ui: null },
};

/** Seed 002's "Example Running Job State" and "Example Job State". */
const RUNNING_JOB: Job = {
  ...CREATED_JOB,
  status: 'RUNNING',
  updated_at: '2024-03-20T10:31:05Z',
  started_at: '2024-03-20T10:31:00Z',
  links: { temporal_ui: `http://localhost:8233/namespaces/default/workflows/job_abc123/${RUN_ID}/history` },
  input_values: INPUT_VALUES,
  input_errors: {},
  steps: [
    step(0, {
      status: 'COMPLETED',
      attempt: 1,
      max_attempts: 3,
      output_data: { extracted_text: 'Financial Report Q4 2023...' },
      started_at: '2024-03-20T10:31:01Z',
      completed_at: '2024-03-20T10:31:05Z',
    }),
    step(1, {
      status: 'RUNNING',
      attempt: 1,
      max_attempts: 3,
      progress_fraction: 0.3,
      started_at: '2024-03-20T10:31:05Z',
    }),
  ],
  execution_progress: { current_step: 1, total_steps: 2, is_paused: false },
  live_output: 'Processing page 3 of 10...',
  runs: [{ run_id: RUN_ID, status: 'RUNNING', started_at: '2024-03-20T10:31:00Z' }],
};

/** Seed 002's "Example Completed Job". */
const COMPLETED_JOB: Job = {
  ...RUNNING_JOB,
  status: 'COMPLETED',
  updated_at: '2024-03-20T10:31:10Z',
  completed_at: '2024-03-20T10:31:10Z',
  steps: [
    RUNNING_JOB.steps[0]!,
    endedStep(
      1,
      'COMPLETED',
      { output_data: { analysis_results: FINAL_ANALYSIS } },
      '2024-03-20T10:31:05Z',
      '2024-03-20T10:31:10Z',
    ),
  ],
  execution_progress: { current_step: 2, total_steps: 2, is_paused: false },
  live_output: 'Completed',
  output_data: { final_analysis: FINAL_ANALYSIS },
  runs: [
    { run_id: RUN_ID, status: 'COMPLETED', started_at: '2024-03-20T10:31:00Z', completed_at: '2024-03-20T10:31:10Z' },
  ],
};

/** Seed 002's "Example Error State". */
const FAILED_JOB: Job = {
  ...RUNNING_JOB,
  status: 'FAILED',
  updated_at: '2024-03-20T10:31:02Z',
  completed_at: '2024-03-20T10:31:02Z',
  error_message: 'Failed to process PDF: File is password protected',
  steps: [
    endedStep(
      0,
      'FAILED',
      { error_message: 'Failed to process PDF: File is password protected' },
      '2024-03-20T10:31:01Z',
      '2024-03-20T10:31:02Z',
    ),
    step(1, { status: 'PENDING', attempt: 0 }),
  ],
  execution_progress: { current_step: 0, total_steps: 2, is_paused: false },
  live_output: 'Failed to process PDF: File is password protected',
  runs: [
    { run_id: RUN_ID, status: 'FAILED', started_at: '2024-03-20T10:31:00Z', completed_at: '2024-03-20T10:31:02Z' },
  ],
};

/** Seed 002's "Example Cancelled Job". */
const CANCELLED_JOB: Job = {
  ...RUNNING_JOB,
  status: 'FAILED',
  updated_at: '2024-03-20T10:31:15Z',
  completed_at: '2024-03-20T10:31:15Z',
  error_message: 'Job cancelled by user',
  steps: [
    RUNNING_JOB.steps[0]!,
    endedStep(1, 'FAILED', { error_message: 'Job cancelled by user' }, '2024-03-20T10:31:05Z', '2024-03-20T10:31:15Z'),
  ],
  live_output: 'Job cancelled by user',
  runs: [
    {
      run_id: RUN_ID,
      status: 'FAILED',
      cancelled: true,
      started_at: '2024-03-20T10:31:00Z',
      completed_at: '2024-03-20T10:31:15Z',
    },
  ],
};

/** Seed 000's executionState of the running job, with seed 002's "Example Step Execution Result". */
const EXECUTION_STATE: ExecutionState = {
  status: 'RUNNING',
  current_step_index: 1,
  total_steps: 2,
  is_paused: false,
  live_output: 'Processing page 3 of 10...',
  variables: { ...INPUT_VALUES, document_text: 'Financial Report Q4 2023\n\nExecutive Summary...' },
  step_results: [
    {
      step_id: 'step_1',
      success: true,
      outputs: { extracted_text: 'Financial Report Q4 2023\n\nExecutive Summary...' },
      started_at: '2024-03-20T10:31:01Z',
      completed_at: '2024-03-20T10:31:05Z',
    },
  ],
};

const RETRY_PLAN: RetryPlan = {
  run_id: RUN_ID,
  from_step_index: 0,
  from_step_id: 'step_1',
  reused: [],
  runs: ['step_1', 'step_2'],
};

/** The failed job retried: a new run, the failed one kept in `runs`. */
const RETRIED_JOB: Job = {
  ...RUNNING_JOB,
  updated_at: '2024-03-20T10:35:00Z',
  started_at: '2024-03-20T10:35:00Z',
  steps: [
    step(0, { status: 'RUNNING', attempt: 1, max_attempts: 3, started_at: '2024-03-20T10:35:00Z' }),
    step(1, { status: 'PENDING', attempt: 0 }),
  ],
  execution_progress: { current_step: 0, total_steps: 2, is_paused: false },
  live_output: '',
  runs: [
    FAILED_JOB.runs[0]!,
    {
      run_id: '0195b1f9-1d2c-7e40-8a1b-2c3d4e5f6a7b',
      status: 'RUNNING',
      started_at: '2024-03-20T10:35:00Z',
      retry_of: { run_id: RUN_ID, from_step_index: 0 },
    },
  ],
};

/** The examples of the `/v1/jobs` routes, by body. */
export const JOB_EXAMPLES = {
  createJobRequest: {
    seed002: { summary: "Seed 002's CreateJobRequest", value: CREATE_JOB_REQUEST },
    createAndStart: {
      summary: 'Created and started in one request (202, RUNNING)',
      value: {
        workflow_id: CREATE_JOB_REQUEST.workflow_id,
        name: CREATE_JOB_REQUEST.name,
        input_values: { input_doc: { file_id: 'file_xyz789' }, depth: 'detailed' },
        start: true,
      },
    },
  },
  createdJob: { seed002: { summary: "Seed 002's created job: PENDING, its inputs still to set", value: CREATED_JOB } },
  job: {
    pending: { summary: 'Created, inputs to set (seed 002)', value: CREATED_JOB },
    running: { summary: 'Running its second step (seed 002)', value: RUNNING_JOB },
    completed: { summary: 'Completed, with its output_data (seed 002)', value: COMPLETED_JOB },
    failed: { summary: 'Failed at its first step (seed 002)', value: FAILED_JOB },
  },
  runningJob: { seed002: { summary: 'Started: RUNNING (seed 002)', value: RUNNING_JOB } },
  cancelledJob: { seed002: { summary: 'Cancelled: FAILED, "Job cancelled by user" (seed 002)', value: CANCELLED_JOB } },
  executionState: { seed000: { summary: "Seed 000's executionState while step_2 runs", value: EXECUTION_STATE } },
  inputsCheck: {
    valid: {
      summary: "Every input set (seed 002's example input values)",
      value: { valid: true, input_values: INPUT_VALUES, input_errors: {} },
    },
    missing: {
      summary: 'The analysis depth still missing',
      value: {
        valid: false,
        input_values: { input_doc: INPUT_VALUES.input_doc },
        input_errors: { depth: 'analysis_depth is required' },
      },
    },
  },
  setInputValueRequest: {
    file: {
      summary: 'A file uploaded with POST /v1/files',
      value: { value: { file_id: 'file_xyz789', name: 'Q4_2023_Report.pdf' } },
    },
    enum: { summary: 'One of the enum values', value: { value: 'detailed' } },
    clear: { summary: 'Clear the value', value: { value: null } },
  },
  startJobRequest: {
    lastInput: { summary: 'The last input given with the start', value: { input_values: { depth: 'detailed' } } },
  },
  variableValue: {
    seed002: { summary: "Seed 002's final analysis", value: { variable: 'final_analysis', value: FINAL_ANALYSIS } },
  },
  retryDryRun: {
    fromFailed: { summary: 'Retry from the step that failed', value: { plan: RETRY_PLAN, dry_run: true } },
  },
  retryStarted: {
    fromFailed: {
      summary: 'A new run from the step that failed, reusing nothing before it',
      value: { plan: RETRY_PLAN, job: RETRIED_JOB },
    },
  },
} satisfies Record<string, Examples>;
