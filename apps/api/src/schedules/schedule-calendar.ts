import type { CalendarSpec, CalendarSpecDescription, DayOfWeek, Month, Range } from '@temporalio/client';
import { z } from 'zod';

/**
 * A schedule's calendar as requests give it and answers show it: Temporal's `CalendarSpec`
 * with snake_case fields and numbers where Temporal names months and days (month 1–12,
 * day_of_week 0–6 from Sunday, as cron counts them), so what a GET answers can be sent back.
 */

const MONTHS: readonly Month[] = [
  'JANUARY',
  'FEBRUARY',
  'MARCH',
  'APRIL',
  'MAY',
  'JUNE',
  'JULY',
  'AUGUST',
  'SEPTEMBER',
  'OCTOBER',
  'NOVEMBER',
  'DECEMBER',
];
const DAYS: readonly DayOfWeek[] = ['SUNDAY', 'MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY'];

/** The ranges of one calendar field: values from `min` to `max`. */
function ranges(min: number, max: number, unit: string) {
  const value = z.number().int().min(min).max(max);
  return z
    .array(
      z
        .strictObject({
          start: value,
          end: value.optional().describe('Inclusive; `start` when absent'),
          step: z.number().int().min(1).max(max).optional().describe('Every this many; 1 when absent'),
        })
        .refine((r) => r.end === undefined || r.end >= r.start, { message: 'must not be before start', path: ['end'] }),
    )
    .min(1)
    .max(100)
    .optional()
    .describe(`${unit}: ranges of ${min}–${max}, any matching`);
}

/** One calendar: a time matches when every field matches. */
export const ScheduleCalendar = z.strictObject({
  second: ranges(0, 59, 'Seconds (only second 0 when absent)'),
  minute: ranges(0, 59, 'Minutes (only minute 0 when absent)'),
  hour: ranges(0, 23, 'Hours (only hour 0 when absent)'),
  day_of_month: ranges(1, 31, 'Days of the month (every day when absent)'),
  month: ranges(1, 12, 'Months, 1 for January (every month when absent)'),
  day_of_week: ranges(0, 6, 'Days of the week, 0 for Sunday (every day when absent)'),
  year: ranges(1970, 9999, 'Years (every year when absent)'),
  comment: z.string().max(500).optional().describe('What the calendar is for'),
});
export type ScheduleCalendar = z.infer<typeof ScheduleCalendar>;

type CalendarRange = NonNullable<ScheduleCalendar['hour']>[number];

/** The calendar as Temporal takes it. */
export function temporalCalendarOf(calendar: ScheduleCalendar): CalendarSpec {
  const full = <T>(rs: CalendarRange[], value: (n: number) => T): Range<T>[] =>
    rs.map((r) => ({ start: value(r.start), end: value(r.end ?? r.start), step: r.step ?? 1 }));
  const same = (n: number) => n;
  const spec: CalendarSpec = {};
  if (calendar.second) spec.second = full(calendar.second, same);
  if (calendar.minute) spec.minute = full(calendar.minute, same);
  if (calendar.hour) spec.hour = full(calendar.hour, same);
  if (calendar.day_of_month) spec.dayOfMonth = full(calendar.day_of_month, same);
  if (calendar.month) spec.month = full(calendar.month, (n) => MONTHS[n - 1]!);
  if (calendar.day_of_week) spec.dayOfWeek = full(calendar.day_of_week, (n) => DAYS[n]!);
  if (calendar.year) spec.year = full(calendar.year, same);
  if (calendar.comment !== undefined) spec.comment = calendar.comment;
  return spec;
}

/** A calendar Temporal describes (every field filled in; an empty one, `year`, matches any), as answers show it. */
export function calendarView(description: CalendarSpecDescription): ScheduleCalendar {
  const numbered = <T>(rs: Range<T>[], toNumber: (v: T) => number): CalendarRange[] | undefined =>
    rs.length === 0
      ? undefined
      : rs.map((r) => {
          const start = toNumber(r.start);
          const end = r.end === undefined ? start : toNumber(r.end);
          return { start, ...(end !== start && { end }), ...(r.step !== undefined && r.step > 1 && { step: r.step }) };
        });
  const same = (n: number) => n;
  const fields: ScheduleCalendar = {
    second: numbered(description.second, same),
    minute: numbered(description.minute, same),
    hour: numbered(description.hour, same),
    day_of_month: numbered(description.dayOfMonth, same),
    month: numbered(description.month, (m) => MONTHS.indexOf(m) + 1),
    day_of_week: numbered(description.dayOfWeek, (d) => DAYS.indexOf(d)),
    year: numbered(description.year, same),
    ...(description.comment !== undefined && description.comment !== '' && { comment: description.comment }),
  };
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
}
