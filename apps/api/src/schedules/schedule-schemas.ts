import { z } from 'zod';
import { Identifier } from '@ordo/core';
import { ScheduleCalendar } from './schedule-calendar';
import { wholeNumberParam } from '../whole-number-param';
import { Duration } from './schedule-duration';

/**
 * A schedule's ID: what its jobs' IDs begin with (`<schedule_id>-<scheduled time>`, Temporal's
 * workflow ID of each action), so letters, digits, `_` and `-`, at most 64.
 */
export const ScheduleId = z
  .string()
  .regex(/^[A-Za-z0-9_][A-Za-z0-9_-]{0,63}$/, 'must be 1 to 64 letters, digits, _ or -, not beginning with -');

/** How actions that would overlap a running one are handled (Temporal's overlap policies Ordo offers). */
export const ScheduleOverlap = z
  .enum(['SKIP', 'BUFFER_ONE', 'BUFFER_ALL', 'CANCEL_OTHER', 'ALLOW_ALL'])
  .describe(
    'SKIP: no new job while the last one runs; BUFFER_ONE: start one when it ends, drop more; BUFFER_ALL: start each in turn; CANCEL_OTHER: cancel the running job (it ends FAILED, cancelled), then start; ALLOW_ALL: start every one at once',
  );
export type ScheduleOverlap = z.infer<typeof ScheduleOverlap>;

/** When a schedule fires, as a request gives it. */
export const ScheduleSpecRequest = z
  .strictObject({
    cron: z
      .array(z.string().min(1).max(256))
      .max(20)
      .optional()
      .describe('Cron expressions (5 fields, or 6 with seconds first; @hourly, @daily…), in `timezone`'),
    calendars: z
      .array(ScheduleCalendar)
      .max(20)
      .optional()
      .describe('Calendars, in `timezone`: a time matches a calendar when every field matches'),
    interval: Duration(1000, '1h')
      .optional()
      .describe('Fire every this long (at least 1s), counted from the Unix epoch'),
    timezone: z
      .string()
      .min(1)
      .max(64)
      .optional()
      .describe('IANA time zone of the cron expressions and calendars, e.g. Europe/Paris (UTC by default)'),
    jitter: Duration(0, '30s').optional().describe('Each firing is delayed by a random time up to this'),
  })
  .refine((spec) => (spec.cron?.length ?? 0) > 0 || (spec.calendars?.length ?? 0) > 0 || spec.interval !== undefined, {
    message: 'needs cron, calendars or interval',
    path: ['cron'],
  });
export type ScheduleSpecRequest = z.infer<typeof ScheduleSpecRequest>;

/** What a schedule does when actions overlap and when it missed some. */
export const SchedulePolicyRequest = z.strictObject({
  overlap: ScheduleOverlap.optional().describe('SKIP by default'),
  catchup_window: Duration(10_000, '1m')
    .optional()
    .describe('After an outage, missed actions this recent still run (at least 10s; 1 year by default)'),
});
export type SchedulePolicyRequest = z.infer<typeof SchedulePolicyRequest>;

/** The body of `POST /v1/schedules`. */
export const CreateScheduleRequest = z.strictObject({
  schedule_id: ScheduleId.optional().describe('A new `sch_…` ID when absent'),
  workflow_id: Identifier,
  workflow_version: z
    .number()
    .int()
    .positive()
    .optional()
    .describe('Pinned version (PUBLISHED); absent: the latest PUBLISHED version when each job is created'),
  name: z.string().min(1).max(200).optional().describe("The name of the schedule's jobs (the workflow's by default)"),
  input_values: z.record(z.string(), z.unknown()).default({}),
  spec: ScheduleSpecRequest,
  policy: SchedulePolicyRequest.optional(),
  paused: z.boolean().optional().describe('Create it paused'),
  note: z.string().max(500).optional().describe("Shown with the schedule's state (why it is paused)"),
});
export type CreateScheduleRequest = z.infer<typeof CreateScheduleRequest>;

/** The body of `PATCH /v1/schedules/{schedule_id}`: the fields given replace the schedule's. */
export const UpdateScheduleRequest = CreateScheduleRequest.omit({ schedule_id: true, paused: true, note: true })
  .partial()
  .extend({
    workflow_version: CreateScheduleRequest.shape.workflow_version.unwrap().nullable().optional(),
    // Without the create's default ({}): a patch that leaves input_values out keeps them.
    input_values: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();
export type UpdateScheduleRequest = z.infer<typeof UpdateScheduleRequest>;

/** The body of `POST /v1/schedules/{schedule_id}/pause` and `/unpause`. */
export const ScheduleNoteRequest = z.strictObject({ note: z.string().max(500).optional() });

/** The body of `POST /v1/schedules/{schedule_id}/trigger`. */
export const TriggerScheduleRequest = z.strictObject({
  overlap: ScheduleOverlap.optional().describe("This action's overlap policy (the schedule's by default)"),
});

/** The body of `POST /v1/schedules/{schedule_id}/backfill`. */
export const BackfillScheduleRequest = z
  .strictObject({
    start_at: z.iso.datetime({ offset: true }),
    end_at: z.iso.datetime({ offset: true }),
    overlap: ScheduleOverlap.optional().describe("The backfill's overlap policy (the schedule's by default)"),
  })
  .refine((b) => Date.parse(b.end_at) > Date.parse(b.start_at), {
    message: 'must be after start_at',
    path: ['end_at'],
  });
export type BackfillScheduleRequest = z.infer<typeof BackfillScheduleRequest>;

/** One firing of a schedule: when it was due and the job it started. */
export const ScheduleAction = z.object({
  scheduled_at: z.string(),
  taken_at: z.string(),
  job_id: z.string(),
});

/** A schedule as Temporal holds it (Ordo keeps no copy). */
export const Schedule = z.object({
  schedule_id: z.string(),
  workflow_id: z.string(),
  workflow_version: z.number().int().positive().nullable().describe('null: the latest PUBLISHED at each firing'),
  name: z.string().nullable(),
  input_values: z.record(z.string(), z.unknown()),
  spec: z.object({
    calendars: z
      .array(ScheduleCalendar)
      .describe(
        'The calendars given, and those Temporal compiled the cron expressions into (Temporal keeps no cron text), every field filled in',
      ),
    intervals: z.array(z.object({ every: z.string(), offset: z.string() })),
    timezone: z.string().nullable(),
    jitter: z.string().nullable(),
  }),
  policy: z.object({ overlap: z.string(), catchup_window: z.string() }),
  paused: z.boolean(),
  note: z.string().nullable(),
  next_action_times: z.array(z.string()),
  recent_actions: z.array(ScheduleAction),
  created_at: z.string(),
  updated_at: z.string().nullable(),
  links: z.object({ temporal_ui: z.string().describe("The schedule on the Web UI's Schedules page") }),
});
export type Schedule = z.infer<typeof Schedule>;

/** `GET /v1/schedules` paging, by schedule_id. */
export const ListSchedulesQuery = z.strictObject({
  limit: wholeNumberParam(1, 200).default(50),
  cursor: z.string().min(1).optional(),
});
export type ListSchedulesQuery = z.infer<typeof ListSchedulesQuery>;

/** The answer of `GET /v1/schedules`: a page, with the cursor of the next (null on the last). */
export const ScheduleList = z.object({ items: z.array(Schedule), next_cursor: z.string().nullable() });
export type ScheduleList = z.infer<typeof ScheduleList>;

/** The answer of `POST /v1/schedules/{schedule_id}/trigger` and `/backfill`: accepted, jobs follow. */
export const ScheduleActionsAccepted = z.object({ schedule_id: z.string(), accepted: z.literal(true) });
