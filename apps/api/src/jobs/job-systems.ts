import type { AppDeps } from '../deps';
import { JobControl } from './job-control';
import { JobInputs } from './job-inputs';
import { JobLaunches } from './job-launches';
import { JobReads } from './job-reads';
import { jobResourcesOf } from './job-resources';

/**
 * The systems behind the `/v1/jobs` routes, one per thing a caller does, sharing one
 * `JobResources`: a route calls the one it needs.
 */
export interface JobSystems {
  /** Create a job; set, clear and validate a pending job's inputs. */
  inputs: JobInputs;
  /** Start a pending job, retry a failed one. */
  launches: JobLaunches;
  /** Pause, resume, cancel, reset; confirm a waiting step. */
  control: JobControl;
  /** Get and list jobs, their seed views and variables. */
  reads: JobReads;
}

/** The job systems of an app, built on one resources object. */
export function createJobSystems(deps: AppDeps): JobSystems {
  const resources = jobResourcesOf(deps);
  const reads = new JobReads(resources);
  const launches = new JobLaunches(resources, reads);
  return {
    inputs: new JobInputs(resources, reads, launches),
    launches,
    control: new JobControl(resources, reads),
    reads,
  };
}
