import { createHash, randomUUID } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import type { BlobStore } from '@ordo/core';

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** Whether a string is a SHA-256 as the blob store names its content: 64 lowercase hex digits. */
export function isSha256Hex(value: string): boolean {
  return SHA256_HEX.test(value);
}

/**
 * Content-addressed bytes on the local disk: `<directory>/<first two hex digits>/<sha256>`.
 * The same bytes are stored once, whoever stores them; the two-digit fan-out keeps any one
 * folder small. Writes go to a unique temporary file that is renamed into place, so a reader
 * (or a crash) never sees half a blob, and two processes storing the same bytes both succeed.
 */
/** Bytes read as a stream, with their size known before the first chunk. */
export interface BlobStream {
  size: number;
  stream: ReadableStream<Uint8Array>;
}

/**
 * The blob store as uploaded files need it: beside `put` and `get`, streaming reads (a
 * download never holds a whole file in memory) and removal. An object store can implement
 * it later without changing the callers.
 */
export interface FileBlobStore extends BlobStore {
  /** The bytes under a hash as a stream, or undefined when there are none. */
  open(sha256: string): Promise<BlobStream | undefined>;
  /**
   * Removes the bytes under a hash unless `stillNeeded()`, asked once they are out of
   * reach, says otherwise: then they are put back. Reports whether they were removed.
   */
  remove(sha256: string, stillNeeded: () => Promise<boolean>): Promise<boolean>;
  /** Whether bytes are stored under a hash. */
  has(sha256: string): Promise<boolean>;
}

export class DiskBlobStore implements FileBlobStore {
  constructor(private readonly directory: string) {}

  /** Stores bytes under their SHA-256 (a no-op when they are already there). */
  async put(bytes: Uint8Array): Promise<{ sha256: string; size: number }> {
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const size = bytes.byteLength;
    const path = this.pathOf(sha256);
    if (await hasSize(path, size)) return { sha256, size };
    await mkdir(dirname(path), { recursive: true });
    const temp = `${path}.${randomUUID()}.tmp`;
    try {
      const handle = await open(temp, 'wx');
      try {
        await handle.writeFile(bytes);
        // On disk before the rename, so a database row naming the hash never outlives its bytes.
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, path);
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
    return { sha256, size };
  }

  /**
   * The bytes stored under a hash, or undefined when there are none. Anything but 64
   * lowercase hex digits names no blob and never reaches the file system.
   */
  async get(sha256: string): Promise<Uint8Array | undefined> {
    if (!isSha256Hex(sha256)) return undefined;
    try {
      const bytes = await readFile(this.pathOf(sha256));
      return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async open(sha256: string): Promise<BlobStream | undefined> {
    if (!isSha256Hex(sha256)) return undefined;
    const path = this.pathOf(sha256);
    // Opened before it is measured: a blob removed in between is simply not there.
    const handle = await open(path, 'r').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return undefined;
      throw err;
    });
    if (!handle) return undefined;
    try {
      const { size } = await handle.stat();
      // The stream owns the handle from here and closes it at its end or on cancel.
      const stream = Readable.toWeb(handle.createReadStream()) as ReadableStream<Uint8Array>;
      return { size, stream };
    } catch (err) {
      await handle.close();
      throw err;
    }
  }

  /**
   * Moves the blob aside (one atomic rename, so it is never half there), asks `stillNeeded`,
   * and then deletes it or moves it back. A writer that stores the same bytes meanwhile
   * either finds the blob missing and writes it again, or is the reason it is put back.
   */
  async remove(sha256: string, stillNeeded: () => Promise<boolean>): Promise<boolean> {
    if (!isSha256Hex(sha256)) return false;
    const path = this.pathOf(sha256);
    const aside = `${path}.${randomUUID()}.removing`;
    try {
      await rename(path, aside);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw err;
    }
    if (await stillNeeded().catch(() => true)) {
      // Back in place; a concurrent put of the same bytes may have been first, which is as good.
      await rename(aside, path);
      return false;
    }
    await rm(aside, { force: true });
    return true;
  }

  /** Whether bytes are stored under a hash. */
  async has(sha256: string): Promise<boolean> {
    if (!isSha256Hex(sha256)) return false;
    return (await stat(this.pathOf(sha256)).catch(() => undefined))?.isFile() ?? false;
  }

  private pathOf(sha256: string): string {
    if (!isSha256Hex(sha256))
      throw new Error(`blob hash must be 64 lowercase hex digits, got ${JSON.stringify(sha256.slice(0, 80))}`);
    return join(this.directory, sha256.slice(0, 2), sha256);
  }
}

async function hasSize(path: string, size: number): Promise<boolean> {
  const found = await stat(path).catch(() => undefined);
  return found?.isFile() === true && found.size === size;
}
