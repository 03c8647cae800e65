import { z } from 'zod';
import { JobStatus } from './status';

/** What happened to a job, as its event stream names it (`GET /v1/jobs/{job_id}/events`). */
export const JobEventType = z.enum([
  'job.started',
  'step.started',
  'step.progress',
  'step.completed',
  'step.failed',
  'step.disabled',
  'step.waiting',
  'job.paused',
  'job.resumed',
  'job.completed',
  'job.failed',
  'job.cancelled',
  'job.reset',
]);
export type JobEventType = z.infer<typeof JobEventType>;

/** The events after which a job's run has ended: its stream closes after one. */
export const FINAL_JOB_EVENT_TYPES: readonly JobEventType[] = ['job.completed', 'job.failed', 'job.cancelled'];

/** The fields of an event beyond its type: which step, which attempt, what it said. */
export const JobEventData = z.object({
  step_index: z.number().int().nonnegative().optional().describe('The step, by 0-based position in execution order'),
  step_id: z.string().optional(),
  step_type: z.string().optional().describe("The step's `type` (`tool`, `sys.wait`, …)"),
  attempt: z.number().int().nonnegative().optional().describe('The attempt a step event belongs to (1-based)'),
  max_attempts: z.number().int().positive().optional(),
  message: z.string().optional().describe("A progress event's message, or a failure's"),
  fraction: z
    .number()
    .min(0)
    .max(1)
    .optional()
    .describe("A progress event's fraction: how far the attempt has got, 0 to 1, when the tool said"),
  error_code: z.string().optional().describe("A failed step's or job's error code"),
  due_at: z.string().optional().describe('Until when a waiting step waits, when it says'),
});
export type JobEventData = z.infer<typeof JobEventData>;

/**
 * One event of a job, as persisted with the run state that implies it and as the event
 * stream sends it (its SSE `id` is `event_id`, its SSE `event` is `type`).
 */
export const JobEvent = z.object({
  event_id: z
    .number()
    .int()
    .positive()
    .describe('Increases with every event of every job, in commit order: the SSE id'),
  type: JobEventType,
  job_id: z.string(),
  workflow_id: z.string(),
  job_status: JobStatus.describe("The job's status right after the event"),
  run_id: z.string().optional().describe('The run the event belongs to (absent for a reset)'),
  at: z.string().describe('When the event was recorded (ISO 8601)'),
  data: JobEventData,
});
export type JobEvent = z.infer<typeof JobEvent>;
