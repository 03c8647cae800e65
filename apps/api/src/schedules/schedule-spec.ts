import type { ScheduleSpec } from '@temporalio/client';
import { CronExpressionParser } from 'cron-parser';
import type { FieldError } from '../problem';
import { temporalCalendarOf } from './schedule-calendar';
import { durationMs } from './schedule-duration';
import type { ScheduleSpecRequest } from './schedule-schemas';

/**
 * What is wrong with a spec that its schema cannot say, before Temporal sees it: a cron
 * expression that does not parse, a time zone that is not an IANA name. Each error names its
 * field (`spec.cron.0`, `spec.timezone`).
 */
export function specErrors(spec: ScheduleSpecRequest): FieldError[] {
  const errors: FieldError[] = [];
  (spec.cron ?? []).forEach((expression, i) => {
    if (/^\s*(CRON_)?TZ=/.test(expression)) {
      errors.push({ field: `spec.cron.${i}`, message: 'must not name a time zone: give it as spec.timezone' });
      return;
    }
    try {
      CronExpressionParser.parse(expression);
    } catch (err) {
      errors.push({ field: `spec.cron.${i}`, message: `must be a cron expression: ${(err as Error).message}` });
    }
  });
  if (spec.timezone !== undefined && !isTimeZone(spec.timezone))
    errors.push({
      field: 'spec.timezone',
      message: `must be an IANA time zone such as Europe/Paris, got '${spec.timezone}'`,
    });
  return errors;
}

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** The spec as Temporal takes it (durations in milliseconds). */
export function temporalSpecOf(spec: ScheduleSpecRequest): ScheduleSpec {
  return {
    ...(spec.cron !== undefined && spec.cron.length > 0 && { cronExpressions: spec.cron }),
    ...(spec.calendars !== undefined &&
      spec.calendars.length > 0 && { calendars: spec.calendars.map(temporalCalendarOf) }),
    ...(spec.interval !== undefined && { intervals: [{ every: durationMs(spec.interval)! }] }),
    ...(spec.timezone !== undefined && { timezone: spec.timezone }),
    ...(spec.jitter !== undefined && { jitter: durationMs(spec.jitter)! }),
  };
}
