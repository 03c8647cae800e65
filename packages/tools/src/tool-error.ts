import type { ToolErrorCode } from '@ordo/core';
import { ToolError as KitToolError } from '@ordo/tool-kit';

/**
 * The tool kit's `ToolError` with its code narrowed to Ordo's `ToolErrorCode` enum, so a
 * built-in tool cannot fail with a code the API does not document.
 */
export class ToolError extends KitToolError<ToolErrorCode> {}
