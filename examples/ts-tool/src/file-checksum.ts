import { createHash } from 'node:crypto';
import { setImmediate } from 'node:timers/promises';
import { defineTool, ToolError } from '@ordo/tool-kit';
import { z } from 'zod';

const FileValue = z.object({
  file_id: z.string().describe('The file'),
  name: z.string().describe('Its name'),
  mime_type: z.string().optional().describe('Its type'),
  size: z.number().int().nonnegative().optional().describe('Its size in bytes'),
  content_url: z.string().optional().describe('Where to read it (Ordo adds a signed URL for an external tool)'),
});

/** Hashed in slices this big, yielding between them so cancellation and heartbeats get through. */
const SLICE_BYTES = 1 << 20;

/**
 * `file_checksum`: the SHA-256 (or SHA-1, or SHA-512) of a file Ordo hands over by URL, and,
 * given an upload URL, a `<name>.sha256` checksum file beside it in Ordo's file store.
 * Download is the first half of its progress, hashing the second.
 */
export const fileChecksum = defineTool({
  tool_id: 'file_checksum',
  version: '1.0.0',
  name: 'File checksum',
  description: 'Computes the checksum of a file (SHA-256 by default) and optionally stores a checksum file beside it.',
  parameters: z.object({
    file: FileValue.describe('The file to hash'),
    algorithm: z.enum(['sha256', 'sha1', 'sha512']).default('sha256').describe('The hash function'),
    checksum_upload_url: z
      .string()
      .optional()
      .meta({ 'x-ordo-upload-url': true })
      .describe('Filled by Ordo: where to upload the checksum file'),
  }),
  outputs: z.object({
    algorithm: z.string().describe('The hash function used'),
    checksum: z.string().describe('The checksum, lowercase hexadecimal'),
    size: z.number().int().describe('Bytes hashed'),
    checksum_file: z
      .object({ file_id: z.string(), name: z.string(), mime_type: z.string().optional(), size: z.number().optional() })
      .optional()
      .describe('The uploaded checksum file, when an upload URL was given'),
  }),
  defaults: { timeout_seconds: 600, heartbeat_timeout_seconds: 30, retry_policy: { maximum_attempts: 3 } },
  async run({ file, algorithm, checksum_upload_url }, ctx) {
    ctx.progress(`downloading ${file.name}`, 0);
    const bytes = await ctx.readFile(file, {
      onProgress: (received, total) =>
        ctx.progress(
          `downloading ${file.name}: ${received} of ${total ?? '?'} bytes`,
          total ? (received / total) * 0.5 : undefined,
        ),
    });
    if (file.size !== undefined && file.size !== bytes.byteLength)
      throw new ToolError(
        'FILE_SIZE_MISMATCH',
        `${file.name}: read ${bytes.byteLength} bytes, the file has ${file.size}`,
      );
    const hash = createHash(algorithm);
    for (let at = 0; at < bytes.byteLength; at += SLICE_BYTES) {
      ctx.signal.throwIfAborted();
      hash.update(bytes.subarray(at, at + SLICE_BYTES));
      ctx.progress(
        `hashed ${Math.min(at + SLICE_BYTES, bytes.byteLength)} of ${bytes.byteLength} bytes`,
        0.5 + (0.5 * at) / bytes.byteLength,
      );
      await setImmediate();
    }
    const checksum = hash.digest('hex');
    ctx.log.info('checksum computed', { file_id: file.file_id, algorithm, size: bytes.byteLength });
    if (checksum_upload_url === undefined) return { algorithm, checksum, size: bytes.byteLength };
    const line = new TextEncoder().encode(`${checksum}  ${file.name}\n`);
    const checksumFile = await ctx.uploadFile(checksum_upload_url, line, `${file.name}.${algorithm}`, 'text/plain');
    return { algorithm, checksum, size: bytes.byteLength, checksum_file: checksumFile };
  },
});
