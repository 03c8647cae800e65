/**
 * @ordo/tools: the tools a job step can run, each a Temporal activity registered under its
 * `tool_id`, and the catalog describing them. PDF text extraction (pdf.js, loaded on first
 * use) and text analysis; files are read by reference through a `FileReader`.
 */
import type { ToolActivities } from '@ordo/core';
import { TOOLS } from './tool-catalog';
import { toolActivities } from './tool-activities';
import type { ToolDependencies } from './tool-activities';

export { TOOL_DESCRIPTORS } from './tool-catalog';
export type { FileReader, StoredFile } from './file-reader';
export type { ToolDependencies } from './tool-activities';
export type {
  AnalysisLevel,
  BasicAnalysis,
  ComprehensiveAnalysis,
  DetailedAnalysis,
  MonetaryFigure,
  PercentageFigure,
  TextAnalysis,
} from './text/analyze-text';
export type { TermCount } from './text/term-frequency';

/** The tool activities, by `tool_id`, for the worker to register. */
export function createToolActivities(deps: ToolDependencies): ToolActivities {
  return toolActivities(TOOLS, deps);
}
