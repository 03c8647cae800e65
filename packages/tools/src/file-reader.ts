/** An uploaded file's content and what the store knows about it. */
export interface StoredFile {
  bytes: Uint8Array;
  name: string;
  mime_type: string;
  size: number;
}

/** Reads uploaded files' bytes by file_id. Implemented by @ordo/storage's file store. */
export interface FileReader {
  /** Resolves to `undefined` when there is no file with this id. */
  read(fileId: string): Promise<StoredFile | undefined>;
}
