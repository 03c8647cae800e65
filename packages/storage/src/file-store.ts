import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FileValue } from '@ordo/core';
import type { OrdoDatabase } from './database';
import type { FileTable } from './schema';
import { newId } from './ids';

/** A stored file's metadata (its row); its FileValue is what jobs carry. */
export type StoredFile = FileTable;

/**
 * Uploaded files: bytes on the local disk under the data folder, metadata in the
 * database. Jobs pass files by reference (`file_id`); tools read the bytes here.
 */
export class FileStore {
  constructor(
    private readonly db: OrdoDatabase,
    private readonly directory: string,
  ) {}

  /** Stores bytes and their metadata; the blob is in place before the row that names it. */
  async save(input: { name: string; mime_type: string; bytes: Uint8Array }, now: string): Promise<StoredFile> {
    const file: StoredFile = {
      file_id: newId('file'),
      name: input.name,
      mime_type: input.mime_type,
      size: input.bytes.byteLength,
      sha256: createHash('sha256').update(input.bytes).digest('hex'),
      created_at: now,
    };
    await mkdir(this.directory, { recursive: true });
    const path = this.pathOf(file.file_id);
    await writeFile(`${path}.tmp`, input.bytes);
    await rename(`${path}.tmp`, path);
    try {
      await this.db.insertInto('files').values(file).execute();
    } catch (err) {
      await rm(path, { force: true });
      throw err;
    }
    return file;
  }

  async get(fileId: string): Promise<StoredFile | undefined> {
    return this.db.selectFrom('files').selectAll().where('file_id', '=', fileId).executeTakeFirst();
  }

  /** Reads a file's bytes with its metadata, or undefined when there is no such file. */
  async read(fileId: string): Promise<(StoredFile & { bytes: Uint8Array }) | undefined> {
    const file = await this.get(fileId);
    if (!file) return undefined;
    const bytes = await readFile(this.pathOf(file.file_id));
    return { ...file, bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) };
  }

  private pathOf(fileId: string): string {
    // file_ids are generated here, never taken from a request path, so they cannot escape the folder.
    return join(this.directory, fileId);
  }
}

/** The reference a job carries for a stored file. */
export function toFileValue(file: StoredFile): FileValue {
  return { file_id: file.file_id, name: file.name, mime_type: file.mime_type, size: file.size };
}
