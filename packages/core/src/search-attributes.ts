import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * Ordo's custom search attributes. The dev server registers them at start
 * (infra/dev.sh) and the test server in the vitest global setup; both read this list.
 */
export const OrdoJobId = defineSearchAttributeKey('OrdoJobId', SearchAttributeType.KEYWORD);
export const OrdoWorkflowId = defineSearchAttributeKey('OrdoWorkflowId', SearchAttributeType.KEYWORD);
export const OrdoJobStatus = defineSearchAttributeKey('OrdoJobStatus', SearchAttributeType.KEYWORD);

export const ORDO_SEARCH_ATTRIBUTES = [OrdoJobId, OrdoWorkflowId, OrdoJobStatus] as const;
