import type { ToolDescriptor } from '@ordo/core';
import { pdfExtractor } from './pdf/pdf-extractor';
import { textAnalyzer } from './text/text-analyzer';
import type { ToolDefinition } from './tool-definition';
import { describeTool } from './tool-descriptors';

/** Every tool Ordo offers, each defined once; descriptors and activities derive from this list. */
export const TOOLS: readonly ToolDefinition[] = [pdfExtractor, textAnalyzer];

/** The tool catalog, as the API lists it and publish-time checks use it. */
export const TOOL_DESCRIPTORS: readonly ToolDescriptor[] = TOOLS.map(describeTool);
