import { log } from '@temporalio/activity';
import { JobStateUpdate, type JobStoreActivities } from '@ordo/core';
import type { OrdoStore } from '@ordo/storage';

/** The activities through which the job workflow persists a job's state. */
export function createJobStoreActivities(store: Pick<OrdoStore, 'jobs'>): JobStoreActivities {
  return {
    async recordJobState(update) {
      const parsed = JobStateUpdate.parse(update);
      const found = await store.jobs.recordState(parsed, new Date().toISOString());
      // A run started outside the API (Temporal CLI, a parent workflow) may have no job row:
      // the run itself is still the record, so this is worth a warning, not a failure.
      if (!found) log.warn('No job row to record state into', { job_id: parsed.job_id });
    },
  };
}
