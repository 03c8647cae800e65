import { defineSearchAttributeKey, SearchAttributeType, type SearchAttributePair } from '@temporalio/common';

/**
 * Ordo's custom search attributes, so `temporal workflow list --query "OrdoJobStatus='RUNNING'"`
 * and the Web UI's filters find jobs. The dev server registers them at start (infra/dev.sh),
 * the test servers in the vitest global setup and `startTimeSkippingServer`; all read this
 * list. All are keywords (the version as its decimal text), so registering them is one rule.
 */
export const OrdoJobId = defineSearchAttributeKey('OrdoJobId', SearchAttributeType.KEYWORD);
export const OrdoWorkflowId = defineSearchAttributeKey('OrdoWorkflowId', SearchAttributeType.KEYWORD);
export const OrdoWorkflowVersion = defineSearchAttributeKey('OrdoWorkflowVersion', SearchAttributeType.KEYWORD);
export const OrdoJobStatus = defineSearchAttributeKey('OrdoJobStatus', SearchAttributeType.KEYWORD);
export const OrdoCorrelationId = defineSearchAttributeKey('OrdoCorrelationId', SearchAttributeType.KEYWORD);
export const OrdoParentJobId = defineSearchAttributeKey('OrdoParentJobId', SearchAttributeType.KEYWORD);

export const ORDO_SEARCH_ATTRIBUTES = [
  OrdoJobId,
  OrdoWorkflowId,
  OrdoWorkflowVersion,
  OrdoJobStatus,
  OrdoCorrelationId,
  OrdoParentJobId,
] as const;

/** The search attributes a job's run starts with (its status `RUNNING`; the run keeps it current). */
export function jobSearchAttributes(job: {
  job_id: string;
  workflow_id: string;
  workflow_version: number;
  correlation_id: string;
  parent_job_id?: string | undefined;
}): SearchAttributePair[] {
  return [
    { key: OrdoJobId, value: job.job_id },
    { key: OrdoWorkflowId, value: job.workflow_id },
    { key: OrdoWorkflowVersion, value: String(job.workflow_version) },
    { key: OrdoJobStatus, value: 'RUNNING' },
    { key: OrdoCorrelationId, value: job.correlation_id },
    ...(job.parent_job_id !== undefined ? [{ key: OrdoParentJobId, value: job.parent_job_id }] : []),
  ];
}
