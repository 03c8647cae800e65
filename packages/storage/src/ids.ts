import { randomBytes } from 'node:crypto';

/**
 * A new opaque identifier such as `job_3fk2…`. 16 random bytes in base32 keep it
 * unguessable, URL-safe and valid as a Temporal workflow ID.
 */
export function newId(prefix: 'job' | 'file' | 'sch'): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  let out = '';
  for (const byte of randomBytes(16)) out += alphabet[byte & 31];
  return `${prefix}_${out}`;
}
