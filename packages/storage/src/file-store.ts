import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FileValue } from '@ordo/core';
import type { BlobStream, FileBlobStore } from './blob-store';
import { isForeignKeyViolation } from './constraint-errors';
import type { OrdoDatabase } from './database';
import type { FileTable } from './schema';
import { newId } from './ids';

/** A stored file's metadata (its row); its FileValue is what jobs carry. */
export type StoredFile = FileTable;

/** What deleting a file did: deleted (and whether its bytes went too), or why not. */
export type DeleteFileResult =
  | { ok: true; content_removed: boolean }
  | { ok: false; code: 'FILE_NOT_FOUND' }
  | { ok: false; code: 'FILE_IN_USE'; job_ids: string[] };

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
    private readonly blobs: FileBlobStore,
    private readonly legacyDirectory?: string,
  ) {}

  /** Stores bytes and their metadata; the bytes are in place before the row that names them. */
  async save(input: { name: string; mime_type: string; bytes: Uint8Array }, now: string): Promise<StoredFile> {
    const { sha256, size } = await this.blobs.put(input.bytes);
    const file: StoredFile = {
      file_id: newId('file'),
      name: input.name,
      mime_type: input.mime_type,
      size,
      sha256,
      created_at: now,
    };
    // No clean-up of the bytes if the insert fails: other files may share them.
    await this.db.insertInto('files').values(file).execute();
    // A delete of another file with these bytes may have removed them between the put and
    // the insert (it saw no row sharing them yet): now that the row exists, put them back.
    if (!(await this.blobs.has(sha256))) await this.blobs.put(input.bytes);
    return file;
  }

  async get(fileId: string): Promise<StoredFile | undefined> {
    return this.db.selectFrom('files').selectAll().where('file_id', '=', fileId).executeTakeFirst();
  }

  /** A file as a job value names it ({@link toFileValue}), or undefined when there is no such file. */
  async fileValue(fileId: string): Promise<FileValue | undefined> {
    const file = await this.get(fileId);
    return file && toFileValue(file);
  }

  /** Reads a file's bytes with its metadata, or undefined when there is no such file. */
  async read(fileId: string): Promise<(StoredFile & { bytes: Uint8Array }) | undefined> {
    const file = await this.get(fileId);
    if (!file) return undefined;
    const bytes = (await this.blobs.get(file.sha256)) ?? (await this.adoptLegacy(file));
    if (!bytes)
      throw new Error(`the content of file ${file.file_id} (sha256 ${file.sha256}) is missing from the blob store`);
    return { ...file, bytes };
  }

  /** A file's metadata and its bytes as a stream, or undefined when there is no such file. */
  async open(fileId: string): Promise<(StoredFile & { content: BlobStream }) | undefined> {
    const file = await this.get(fileId);
    if (!file) return undefined;
    let content = await this.blobs.open(file.sha256);
    if (!content && (await this.adoptLegacy(file))) content = await this.blobs.open(file.sha256);
    if (!content)
      throw new Error(`the content of file ${file.file_id} (sha256 ${file.sha256}) is missing from the blob store`);
    return { ...file, content };
  }

  /**
   * Deletes a file unless a PENDING or RUNNING job's inputs name it (`FILE_IN_USE`, with
   * those jobs). In one transaction: references of jobs that have ended are dropped, then
   * the row is deleted under the `job_files` foreign key, so a reference written by a job
   * taking the file at the same moment either came first (the delete fails) or finds the
   * file gone (its input change fails). The bytes are removed once no file row shares them.
   */
  async deleteIfUnused(fileId: string): Promise<DeleteFileResult> {
    let sha256: string | undefined;
    try {
      await this.db.transaction().execute(async (trx) => {
        // A write first, so SQLite holds its write lock for the whole transaction.
        await trx
          .deleteFrom('job_files')
          .where('file_id', '=', fileId)
          .where('job_id', 'in', (eb) =>
            eb.selectFrom('jobs').select('job_id').where('status', 'not in', ['PENDING', 'RUNNING']),
          )
          .execute();
        const row = await trx.selectFrom('files').select('sha256').where('file_id', '=', fileId).executeTakeFirst();
        if (!row) return;
        await trx.deleteFrom('files').where('file_id', '=', fileId).execute();
        sha256 = row.sha256;
      });
    } catch (err) {
      if (!isForeignKeyViolation(err)) throw err;
      return { ok: false, code: 'FILE_IN_USE', job_ids: await this.activeJobsUsing(fileId) };
    }
    if (sha256 === undefined) return { ok: false, code: 'FILE_NOT_FOUND' };
    const hash = sha256;
    const content_removed = await this.blobs.remove(
      hash,
      async () =>
        (await this.db.selectFrom('files').select('file_id').where('sha256', '=', hash).limit(1).executeTakeFirst()) !==
        undefined,
    );
    return { ok: true, content_removed };
  }

  /**
   * Removes a file's row and its jobs' references to it, whatever uses it; reports whether
   * there was one. The bytes stay in the blob store. For operators and tests (a file vanishing
   * under a running job); the API deletes with {@link deleteIfUnused}.
   */
  async delete(fileId: string): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('job_files').where('file_id', '=', fileId).execute();
      const result = await trx.deleteFrom('files').where('file_id', '=', fileId).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    });
  }

  private async activeJobsUsing(fileId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('job_files')
      .innerJoin('jobs', 'jobs.job_id', 'job_files.job_id')
      .select('jobs.job_id')
      .where('job_files.file_id', '=', fileId)
      .where('jobs.status', 'in', ['PENDING', 'RUNNING'])
      .orderBy('jobs.job_id')
      .limit(20)
      .execute();
    return rows.map((r) => r.job_id);
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

/** A stored file's metadata as the API shows it. */
export function fileMetadata(file: StoredFile): {
  file_id: string;
  name: string;
  mime_type: string;
  size: number;
  sha256: string;
  created_at: string;
} {
  return {
    file_id: file.file_id,
    name: file.name,
    mime_type: file.mime_type,
    size: file.size,
    sha256: file.sha256,
    created_at: file.created_at,
  };
}

/** The reference a job carries for a stored file. */
export function toFileValue(file: StoredFile): FileValue & Required<Pick<FileValue, 'mime_type' | 'size'>> {
  return { file_id: file.file_id, name: file.name, mime_type: file.mime_type, size: file.size };
}
