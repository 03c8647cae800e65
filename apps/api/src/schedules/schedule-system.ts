import {
  isGrpcServiceError,
  ScheduleAlreadyRunning,
  ScheduleNotFoundError,
  type ScheduleDescription,
  type ScheduleHandle,
  type ScheduleOptions,
} from '@temporalio/client';
import { JOB_WORKFLOW_TYPE, validateInputsWithFiles, type ComposedJobInput } from '@ordo/core';
import { newId } from '@ordo/storage';
import type { AppDeps } from '../deps';
import { requireNewJobVersion } from '../jobs/new-job-version';
import { ApiProblem, notFound, temporalUnavailable, validationProblem, type FieldError } from '../problem';
import { DEFAULT_TEMPORAL_UI_URL } from '../temporal-ui';
import { calendarView } from './schedule-calendar';
import { durationMs, formatDuration } from './schedule-duration';
import { z } from 'zod';
import { decodePageCursor, encodePageCursor } from '../cursor';
import {
  ScheduleId,
  type BackfillScheduleRequest,
  type CreateScheduleRequest,
  type ListSchedulesQuery,
  type Schedule,
  type ScheduleList,
  type ScheduleOverlap,
  type SchedulePolicyRequest,
  type UpdateScheduleRequest,
} from './schedule-schemas';
import { specErrors, temporalSpecOf } from './schedule-spec';

/** gRPC's INVALID_ARGUMENT: Temporal refused the schedule itself. */
const INVALID_ARGUMENT = 3;

/**
 * Schedules on Temporal Schedules (`/v1/schedules`). The schedule is Temporal's, and Ordo keeps
 * no copy of it: its action starts the job workflow with the composition input
 * (`ComposedJobInput`: workflow, version, inputs, name and the schedule's ID), so each firing
 * creates and claims its own job (`createRun`) whose `job_id` is the workflow ID Temporal gives
 * the firing, `<schedule_id>-<scheduled time>`. Every answer is read back from Temporal.
 */
export class ScheduleSystem {
  constructor(private readonly deps: AppDeps) {}

  private get client() {
    return this.deps.temporal.client;
  }

  /** Creates a schedule: its inputs checked against the workflow's input variables first. */
  async create(request: CreateScheduleRequest): Promise<Schedule> {
    await this.checkAction(request.workflow_id, request.workflow_version, request.input_values);
    throwIf(specErrors(request.spec));
    const scheduleId = request.schedule_id ?? newId('sch');
    try {
      await this.client.schedule.create({
        scheduleId,
        spec: temporalSpecOf(request.spec),
        action: this.actionOf(scheduleId, {
          workflow_id: request.workflow_id,
          ...(request.workflow_version !== undefined && { version: request.workflow_version }),
          ...(request.name !== undefined && { name: request.name }),
          input_values: request.input_values,
        }),
        policies: policiesOf(request.policy),
        state: {
          ...(request.paused !== undefined && { paused: request.paused }),
          ...(request.note !== undefined && { note: request.note }),
        },
      });
    } catch (err) {
      if (err instanceof ScheduleAlreadyRunning)
        throw new ApiProblem(409, 'SCHEDULE_EXISTS', 'Schedule exists', `schedule '${scheduleId}' already exists`, [
          { field: 'schedule_id', message: 'must not name an existing schedule' },
        ]);
      throw refusal(err, 'spec');
    }
    return this.get(scheduleId);
  }

  /**
   * Ordo's schedules (those whose action starts the job workflow), as Temporal's visibility lists
   * them, a page at a time by schedule_id: the IDs are listed (up to 500), only the page's
   * schedules described. The cursor is the last schedule_id of the page before.
   */
  async list(query: ListSchedulesQuery): Promise<ScheduleList> {
    const after =
      query.cursor === undefined
        ? undefined
        : decodePageCursor(query.cursor, ScheduleCursor, 'GET /v1/schedules').schedule_id;
    const ids: string[] = [];
    try {
      for await (const summary of this.client.schedule.list({ pageSize: 100 })) {
        if (summary.action?.type === 'startWorkflow' && summary.action.workflowType === JOB_WORKFLOW_TYPE)
          ids.push(summary.scheduleId);
        if (ids.length >= MAX_LISTED) break;
      }
    } catch (err) {
      throw refusal(err);
    }
    const page = ids
      .filter((id) => after === undefined || id > after)
      .sort()
      .slice(0, query.limit + 1);
    // A schedule deleted between the list and its description is left out.
    const found = await Promise.all(page.slice(0, query.limit).map((id) => this.get(id).catch(() => undefined)));
    const last = page[query.limit - 1];
    return {
      items: found.filter((s) => s !== undefined),
      next_cursor: page.length > query.limit && last !== undefined ? encodePageCursor({ schedule_id: last }) : null,
    };
  }

  async get(scheduleId: string): Promise<Schedule> {
    return this.viewOf(await this.describe(scheduleId));
  }

  /** Replaces the fields given; inputs are checked against the workflow they now name. */
  async update(scheduleId: string, request: UpdateScheduleRequest): Promise<Schedule> {
    const current = jobInputOf(await this.describe(scheduleId));
    const input: ComposedJobInput = {
      ...current,
      ...(request.workflow_id !== undefined && { workflow_id: request.workflow_id }),
      ...(request.name !== undefined && { name: request.name }),
      ...(request.input_values !== undefined && { input_values: request.input_values }),
    };
    if (request.workflow_version === null) delete input.version;
    else if (request.workflow_version !== undefined) input.version = request.workflow_version;
    await this.checkAction(input.workflow_id, input.version, input.input_values ?? {});
    if (request.spec) throwIf(specErrors(request.spec));
    try {
      await this.handle(scheduleId).update((previous) => ({
        ...previous,
        action: this.actionOf(scheduleId, input),
        ...(request.spec && { spec: temporalSpecOf(request.spec) }),
        ...(request.policy && {
          policies: { ...previous.policies, ...policiesOf(request.policy) },
        }),
      }));
    } catch (err) {
      throw refusal(err, 'spec', scheduleId);
    }
    return this.get(scheduleId);
  }

  /** Deletes the schedule; the jobs it started stay. */
  async delete(scheduleId: string): Promise<void> {
    await this.call(scheduleId, (h) => h.delete());
  }

  async pause(scheduleId: string, note: string | undefined): Promise<Schedule> {
    await this.call(scheduleId, (h) => h.pause(note));
    return this.get(scheduleId);
  }

  async unpause(scheduleId: string, note: string | undefined): Promise<Schedule> {
    await this.call(scheduleId, (h) => h.unpause(note));
    return this.get(scheduleId);
  }

  /** Fires the action now (one job), under the schedule's overlap policy unless another is given. */
  async trigger(scheduleId: string, overlap: ScheduleOverlap | undefined): Promise<void> {
    // Given none, the TypeScript client sends ALLOW_ALL, not the schedule's policy: it is read and sent.
    const policy = overlap ?? (await this.describe(scheduleId)).policies.overlap;
    await this.call(scheduleId, (h) => h.trigger(policy));
  }

  /** Fires the actions the spec had between `start_at` and `end_at`, as if it had run then. */
  async backfill(scheduleId: string, request: BackfillScheduleRequest): Promise<void> {
    await this.call(scheduleId, (h) =>
      h.backfill({
        start: new Date(request.start_at),
        end: new Date(request.end_at),
        ...(request.overlap !== undefined && { overlap: request.overlap }),
      }),
    );
  }

  private handle(scheduleId: string): ScheduleHandle {
    return this.client.schedule.getHandle(scheduleId);
  }

  private async describe(scheduleId: string): Promise<ScheduleDescription> {
    let description: ScheduleDescription;
    try {
      description = await this.handle(scheduleId).describe();
    } catch (err) {
      throw refusal(err, undefined, scheduleId);
    }
    // Another team's schedule in the namespace is not Ordo's to show.
    const action = description.action;
    if (action.type !== 'startWorkflow' || action.workflowType !== JOB_WORKFLOW_TYPE)
      throw notFound('Schedule', scheduleId);
    return description;
  }

  /** Runs `act` on an Ordo schedule (404 for one that is not). */
  private async call(scheduleId: string, act: (handle: ScheduleHandle) => Promise<unknown>): Promise<void> {
    await this.describe(scheduleId);
    try {
      await act(this.handle(scheduleId));
    } catch (err) {
      throw refusal(err, undefined, scheduleId);
    }
  }

  /** The version and inputs a schedule's jobs would get, refused as `POST /v1/jobs` refuses them. */
  private async checkAction(
    workflowId: string,
    version: number | undefined,
    values: Record<string, unknown>,
  ): Promise<void> {
    const workflow = await requireNewJobVersion(this.deps.store, workflowId, version);
    const checked = await validateInputsWithFiles(this.deps.store.files, workflow.input_variables, values);
    throwIf(Object.entries(checked.errors).map(([field, message]) => ({ field: `input_values.${field}`, message })));
  }

  private actionOf(scheduleId: string, input: ComposedJobInput) {
    return {
      type: 'startWorkflow' as const,
      workflowType: JOB_WORKFLOW_TYPE,
      // Temporal adds the scheduled time to it: each firing's workflow ID, and so its job_id, is its own.
      workflowId: scheduleId,
      taskQueue: this.deps.temporal.taskQueue,
      args: [{ ...input, schedule_id: scheduleId }],
      staticSummary: `Ordo schedule ${scheduleId}: a job of ${input.workflow_id}${input.version !== undefined ? ` v${input.version}` : ''}`,
    };
  }

  private viewOf(description: ScheduleDescription): Schedule {
    const input = jobInputOf(description);
    const { spec, policies, state, info } = description;
    const base = (this.deps.temporalUiUrl ?? DEFAULT_TEMPORAL_UI_URL).replace(/\/+$/, '');
    const namespace = encodeURIComponent(this.client.options.namespace);
    return {
      schedule_id: description.scheduleId,
      workflow_id: input.workflow_id,
      workflow_version: input.version ?? null,
      name: input.name ?? null,
      input_values: input.input_values ?? {},
      spec: {
        calendars: (spec.calendars ?? []).map(calendarView),
        intervals: (spec.intervals ?? []).map((i) => ({
          every: formatDuration(Number(i.every)),
          offset: formatDuration(Number(i.offset ?? 0)),
        })),
        timezone: spec.timezone ?? null,
        jitter: spec.jitter ? formatDuration(Number(spec.jitter)) : null,
      },
      policy: { overlap: policies.overlap ?? 'SKIP', catchup_window: formatDuration(policies.catchupWindow) },
      paused: state.paused,
      note: state.note ?? null,
      next_action_times: info.nextActionTimes.map((t) => t.toISOString()),
      recent_actions: info.recentActions.map((a) => ({
        scheduled_at: a.scheduledAt.toISOString(),
        taken_at: a.takenAt.toISOString(),
        job_id: a.action.workflow.workflowId ?? '',
      })),
      created_at: info.createdAt.toISOString(),
      updated_at: info.lastUpdatedAt?.toISOString() ?? null,
      links: {
        temporal_ui: `${base}/namespaces/${namespace}/schedules/${encodeURIComponent(description.scheduleId)}`,
      },
    };
  }
}

/** At most this many schedules are listed. */
const MAX_LISTED = 500;

// Strict: a cursor edited by hand is refused unless it still holds what the API writes.
const ScheduleCursor = z.strictObject({ schedule_id: ScheduleId });

function jobInputOf(description: ScheduleDescription): ComposedJobInput {
  const action = description.action;
  const { schedule_id: _own, ...input } = (action.args?.[0] ?? {}) as ComposedJobInput;
  return input;
}

function policiesOf(policy: SchedulePolicyRequest | undefined): NonNullable<ScheduleOptions['policies']> {
  return {
    overlap: policy?.overlap ?? 'SKIP',
    ...(policy?.catchup_window !== undefined && { catchupWindow: durationMs(policy.catchup_window)! }),
  };
}

function throwIf(errors: FieldError[]): void {
  if (errors.length > 0) throw validationProblem(errors);
}

/** A Temporal error as the API's refusal: 404 for a schedule that is not there, 422 for one Temporal refuses, else 503. */
function refusal(err: unknown, field?: string, scheduleId?: string): ApiProblem {
  if (err instanceof ApiProblem) return err;
  if (err instanceof ScheduleNotFoundError) return notFound('Schedule', scheduleId ?? err.scheduleId);
  const grpc = isGrpcServiceError(err)
    ? err
    : isGrpcServiceError((err as Error).cause)
      ? (err as Error).cause
      : undefined;
  if (grpc && (grpc as { code?: number }).code === INVALID_ARGUMENT)
    return validationProblem([
      { field: field ?? 'schedule', message: `Temporal refused it: ${(grpc as Error).message}` },
    ]);
  return temporalUnavailable(`could not reach Temporal's schedules: ${(err as Error).message}`);
}
