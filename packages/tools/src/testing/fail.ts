import { z } from 'zod';
import { ToolErrorCode } from '@ordo/core';
import { defineTool } from '../tool-definition';
import { ToolError } from '../tool-error';

/** Test tool: fails with the error it is told to. */
export const fail = defineTool({
  tool_id: 'fail',
  name: 'Fail (test)',
  description: 'Test tool: always fails with a ToolError of the given `code`, `message` and retryability.',
  version: '1.0.0',
  parameters: z.object({
    code: ToolErrorCode.describe('The error code to fail with.'),
    message: z.string().min(1).describe('The error message.'),
    retryable: z.boolean().default(false).describe('Whether Temporal should retry the attempt; defaults to false.'),
  }),
  outputs: z.object({}),
  run({ code, message, retryable }) {
    return Promise.reject(new ToolError(code, message, { retryable }));
  },
});
