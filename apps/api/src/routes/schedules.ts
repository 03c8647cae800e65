import { z } from 'zod';
import type { AppDeps } from '../deps';
import { component, createRouter, jsonRequest, jsonResponse, route } from '../openapi';
import {
  BackfillScheduleRequest,
  ListSchedulesQuery,
  CreateScheduleRequest,
  Schedule,
  ScheduleActionsAccepted,
  ScheduleList,
  ScheduleNoteRequest,
  TriggerScheduleRequest,
  UpdateScheduleRequest,
} from '../schedules/schedule-schemas';
import { ScheduleSystem } from '../schedules/schedule-system';

const TAGS: [string] = ['schedules'];
const ScheduleRef = component(Schedule, 'Schedule');
const ScheduleListRef = component(ScheduleList, 'ScheduleList');
const AcceptedRef = component(ScheduleActionsAccepted, 'ScheduleActionsAccepted');
const ScheduleParam = z.object({ schedule_id: z.string().min(1).max(64).describe('The schedule_id of a schedule') });

const createSchedule = route({
  operationId: 'createSchedule',
  method: 'post',
  path: '/',
  tags: TAGS,
  summary: 'Create a schedule',
  description:
    "A Temporal Schedule (on the Web UI's Schedules page) whose every action creates and starts a job of `workflow_id` (at `workflow_version`, else the latest PUBLISHED version when it fires) with `input_values`; each job carries `schedule_id` and its `job_id` is `<schedule_id>-<scheduled time>`. `spec`: `cron` expressions, structured `calendars` and/or an `interval`, in `timezone`, each firing delayed by up to `jitter`. `policy`: `overlap` (SKIP by default) and `catchup_window`. 422 names each field broken: a bad cron expression (`spec.cron.0`), calendar range (`spec.calendars.0.hour.0.start`), time zone (`spec.timezone`), duration, an input that is missing or invalid (`input_values.x`), and one Temporal refuses; 409 `SCHEDULE_EXISTS` for a `schedule_id` taken.",
  request: { body: jsonRequest(CreateScheduleRequest) },
  responses: { 201: jsonResponse(ScheduleRef, 'The schedule, as Temporal holds it') },
  problems: [409, 422],
});

const listSchedules = route({
  operationId: 'listSchedules',
  method: 'get',
  path: '/',
  tags: TAGS,
  summary: 'List schedules',
  description:
    "Ordo's schedules (those starting jobs), by schedule_id, a page at a time (`limit` 1–200, default 50; `cursor`: the `next_cursor` of the page before), as Temporal's visibility lists them: a schedule just created may take a moment to appear.",
  request: { query: ListSchedulesQuery },
  responses: { 200: jsonResponse(ScheduleListRef, 'A page of schedules') },
  problems: [422],
});

const getSchedule = route({
  operationId: 'getSchedule',
  method: 'get',
  path: '/{schedule_id}',
  tags: TAGS,
  summary: 'Get a schedule',
  description:
    'Its action, spec, policy and state, the next times it fires and its recent actions (each with the `job_id` it started); `GET /v1/jobs?schedule_id=` lists all its jobs.',
  request: { params: ScheduleParam },
  responses: { 200: jsonResponse(ScheduleRef, 'The schedule') },
  problems: [404],
});

const updateSchedule = route({
  operationId: 'updateSchedule',
  method: 'patch',
  path: '/{schedule_id}',
  tags: TAGS,
  summary: 'Change a schedule',
  description:
    "The fields given replace the schedule's (`spec` and `policy` as a whole; `workflow_version: null` unpins); the inputs are checked against the workflow named, as at creation. Jobs already started are not changed.",
  request: { params: ScheduleParam, body: jsonRequest(UpdateScheduleRequest) },
  responses: { 200: jsonResponse(ScheduleRef, 'The schedule, changed') },
  problems: [404, 422],
});

const deleteSchedule = route({
  operationId: 'deleteSchedule',
  method: 'delete',
  path: '/{schedule_id}',
  tags: TAGS,
  summary: 'Delete a schedule',
  description: 'It fires no more; the jobs it started stay, with their `schedule_id`.',
  request: { params: ScheduleParam },
  responses: { 204: { description: 'Deleted' } },
  problems: [404],
});

const noteBody = jsonRequest(ScheduleNoteRequest, { required: false, description: 'An optional `note` saying why' });

const pauseSchedule = route({
  operationId: 'pauseSchedule',
  method: 'post',
  path: '/{schedule_id}/pause',
  tags: TAGS,
  summary: 'Pause a schedule',
  description: 'It fires no more until unpaused (a trigger or backfill still does); running jobs go on.',
  request: { params: ScheduleParam, body: noteBody },
  responses: { 200: jsonResponse(ScheduleRef, 'The schedule, paused') },
  problems: [404],
});

const unpauseSchedule = route({
  operationId: 'unpauseSchedule',
  method: 'post',
  path: '/{schedule_id}/unpause',
  tags: TAGS,
  summary: 'Unpause a schedule',
  description: 'It fires again from its next time on.',
  request: { params: ScheduleParam, body: noteBody },
  responses: { 200: jsonResponse(ScheduleRef, 'The schedule, unpaused') },
  problems: [404],
});

const triggerSchedule = route({
  operationId: 'triggerSchedule',
  method: 'post',
  path: '/{schedule_id}/trigger',
  tags: TAGS,
  summary: 'Fire a schedule now',
  description:
    "One action now, paused or not: a job is created and started (unless the overlap policy, the schedule's or `overlap`, skips it). The job shows in the schedule's `recent_actions` and `GET /v1/jobs?schedule_id=`.",
  request: {
    params: ScheduleParam,
    body: jsonRequest(TriggerScheduleRequest, { required: false, description: 'An optional `overlap` policy' }),
  },
  responses: { 202: jsonResponse(AcceptedRef, 'Accepted: the job follows') },
  problems: [404],
});

const backfillSchedule = route({
  operationId: 'backfillSchedule',
  method: 'post',
  path: '/{schedule_id}/backfill',
  tags: TAGS,
  summary: 'Backfill a schedule',
  description:
    "The actions its spec had between `start_at` and `end_at`, taken now as if at those times (each job's `job_id` names its scheduled time), under the overlap policy (the schedule's or `overlap`: SKIP starts one while none runs, ALLOW_ALL every one).",
  request: { params: ScheduleParam, body: jsonRequest(BackfillScheduleRequest) },
  responses: { 202: jsonResponse(AcceptedRef, 'Accepted: the jobs follow') },
  problems: [404],
});

/** `/v1/schedules`: schedules of jobs, on Temporal Schedules. */
export function scheduleRoutes(deps: AppDeps) {
  const schedules = new ScheduleSystem(deps);
  return createRouter()
    .openapi(createSchedule, async (c) => c.json(await schedules.create(c.req.valid('json')), 201))
    .openapi(listSchedules, async (c) => c.json(await schedules.list(c.req.valid('query')), 200))
    .openapi(getSchedule, async (c) => c.json(await schedules.get(c.req.valid('param').schedule_id), 200))
    .openapi(updateSchedule, async (c) =>
      c.json(await schedules.update(c.req.valid('param').schedule_id, c.req.valid('json')), 200),
    )
    .openapi(deleteSchedule, async (c) => {
      await schedules.delete(c.req.valid('param').schedule_id);
      return c.body(null, 204);
    })
    .openapi(pauseSchedule, async (c) =>
      c.json(await schedules.pause(c.req.valid('param').schedule_id, c.req.valid('json').note), 200),
    )
    .openapi(unpauseSchedule, async (c) =>
      c.json(await schedules.unpause(c.req.valid('param').schedule_id, c.req.valid('json').note), 200),
    )
    .openapi(triggerSchedule, async (c) => {
      const { schedule_id } = c.req.valid('param');
      await schedules.trigger(schedule_id, c.req.valid('json').overlap);
      return c.json({ schedule_id, accepted: true as const }, 202);
    })
    .openapi(backfillSchedule, async (c) => {
      const { schedule_id } = c.req.valid('param');
      await schedules.backfill(schedule_id, c.req.valid('json'));
      return c.json({ schedule_id, accepted: true as const }, 202);
    });
}
