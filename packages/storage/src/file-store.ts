import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BlobStore, FileValue } from '@ordo/core';
import type { OrdoDatabase } from './database';
import type { FileTable } from './schema';
import { newId } from './ids';

/** A stored file's metadata (its row); its FileValue is what jobs carry. */
export type StoredFile = FileTable;

/**
 * Uploaded files: metadata in the database, bytes in the blob store under their SHA-256,
 * so the same bytes uploaded twice are kept once. Jobs pass files by reference
 * (`file_id`); tools read the bytes here.
 */
export class FileStore {
  /**
   * @param legacyDirectory where files were kept by `file_id` before the blob store; read
   * (and moved into the blob store) only for rows whose content the blob store lacks.
   */
  constructor(
    private readonly db: OrdoDatabase,
    private readonly blobs: BlobStore,
    private readonly legacyDirectory?: string,
  ) {}

  /** Stores bytes and their metadata; the bytes are in place before the row that names them. */
  async save(input: { name: string; mime_type: string; bytes: Uint8Array }, now: string): Promise<StoredFile> {
    const { sha256, size } = await this.blobs.put(input.bytes);
    const file: StoredFile = { file_id: newId('file'), name: input.name, mime_type: input.mime_type, size, sha256, created_at: now };
    // No clean-up of the bytes if the insert fails: other files may share them.
    await this.db.insertInto('files').values(file).execute();
    return file;
  }

  async get(fileId: string): Promise<StoredFile | undefined> {
    return this.db.selectFrom('files').selectAll().where('file_id', '=', fileId).executeTakeFirst();
  }

  /** Reads a file's bytes with its metadata, or undefined when there is no such file. */
  async read(fileId: string): Promise<(StoredFile & { bytes: Uint8Array }) | undefined> {
    const file = await this.get(fileId);
    if (!file) return undefined;
    const bytes = (await this.blobs.get(file.sha256)) ?? (await this.adoptLegacy(file));
    if (!bytes) throw new Error(`the content of file ${file.file_id} (sha256 ${file.sha256}) is missing from the blob store`);
    return { ...file, bytes };
  }

  /**
   * Removes a file's row; reports whether there was one. The bytes stay in the blob store,
   * where other files (or stored values) with the same content may still need them.
   */
  async delete(fileId: string): Promise<boolean> {
    const result = await this.db.deleteFrom('files').where('file_id', '=', fileId).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /** Moves a file saved before the blob store existed into it, if its bytes still match its hash. */
  private async adoptLegacy(file: StoredFile): Promise<Uint8Array | undefined> {
    if (this.legacyDirectory === undefined) return undefined;
    // file_id comes from the row, which only this class writes, so it cannot escape the folder.
    const bytes = await readFile(join(this.legacyDirectory, file.file_id)).catch(() => undefined);
    if (!bytes || createHash('sha256').update(bytes).digest('hex') !== file.sha256) return undefined;
    const content = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    await this.blobs.put(content);
    return content;
  }
}

/** The reference a job carries for a stored file. */
export function toFileValue(file: StoredFile): FileValue {
  return { file_id: file.file_id, name: file.name, mime_type: file.mime_type, size: file.size };
}
