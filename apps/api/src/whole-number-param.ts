import { z } from 'zod';

/**
 * A query or path parameter holding a whole number from `min` to `max`, written in decimal
 * digits only. Coercion would also take `0x10`, `1e2`, ` 5`, `1.0` and `` (as 0); here each
 * is a 422 naming the parameter. The document shows it as the integer it is.
 */
export function wholeNumberParam(min: number, max: number) {
  const message = `must be a whole number from ${min} to ${max}, in decimal digits`;
  return z.preprocess(
    (raw) => (typeof raw === 'string' && /^[0-9]{1,15}$/.test(raw) ? Number(raw) : raw),
    z.number({ message }).int(message).min(min, message).max(max, message),
  );
}
