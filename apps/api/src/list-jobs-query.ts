import { Identifier, JobStatus } from '@ordo/core';
import { z } from 'zod';
import { wholeNumberParam } from './whole-number-param';

/** `GET /v1/jobs` filters and paging; `cursor` is the `next_cursor` of the previous page. */
export const ListJobsQuery = z.strictObject({
  workflow_id: Identifier.optional(),
  /** The jobs a schedule's actions created (`/v1/schedules/{schedule_id}`). */
  schedule_id: z.string().min(1).max(128).optional(),
  status: JobStatus.optional(),
  limit: wholeNumberParam(1, 200).default(50),
  cursor: z.string().min(1).optional(),
});
export type ListJobsQuery = z.infer<typeof ListJobsQuery>;
