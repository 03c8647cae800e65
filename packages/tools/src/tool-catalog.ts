import type { ToolDescriptor } from '@ordo/core';
import { httpRequest } from './http/http-request';
import { jsonTransform } from './json/json-transform';
import { pdfExtractor } from './pdf/pdf-extractor';
import { TEST_TOOLS } from './testing/test-tools';
import { textAnalyzer } from './text/text-analyzer';
import type { ToolDefinition } from './tool-definition';
import { describeTool } from '@ordo/tool-kit';

/** Every production tool, each defined once; descriptors and activities derive from this list. */
export const TOOLS: readonly ToolDefinition[] = [pdfExtractor, textAnalyzer, httpRequest, jsonTransform];

/** The production tool catalog, as the API lists it and publish-time checks use it. */
export const TOOL_DESCRIPTORS: readonly ToolDescriptor[] = TOOLS.map(describeTool);

/** The test-only tools' catalog entries, for tests and benchmarks that register `TEST_TOOLS`. */
export const TEST_TOOL_DESCRIPTORS: readonly ToolDescriptor[] = TEST_TOOLS.map(describeTool);

export { TEST_TOOLS };
