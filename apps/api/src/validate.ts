import { zValidator } from '@hono/zod-validator';
import type { ValidationTargets } from 'hono';
import type { z } from 'zod';
import { validationProblem, zodFieldErrors } from './problem';

/**
 * Hono's zod validator with Ordo's hook: a body that breaks the schema becomes a 422
 * problem naming each field. Malformed JSON never reaches zod: Hono raises a 400
 * HTTPException that `app.onError` renders.
 */
export function validate<T extends z.ZodType, Target extends keyof ValidationTargets>(target: Target, schema: T) {
  return zValidator(target, schema, (result) => {
    if (!result.success) throw validationProblem(zodFieldErrors(result.error, target === 'json' ? '' : target));
  });
}
