import type { FileReader, StoredFile } from './file-reader';
import type { ToolContext, ToolLogger } from './tool-definition';

/** One `progress` call a tool made. */
export interface ProgressReport {
  message: string;
  fraction?: number;
}

/** A file for `memoryFiles`: its bytes, and a name and MIME type unless the defaults fit. */
export interface MemoryFile {
  bytes: Uint8Array;
  name?: string;
  mime_type?: string;
}

/** What a unit test may set on the context it runs a tool with. */
export interface TestingContextOptions {
  files?: FileReader;
  signal?: AbortSignal;
  /** Called after each progress report is recorded, e.g. to abort the signal at some point. */
  onProgress?: (report: ProgressReport, reports: readonly ProgressReport[]) => void;
}

/** A ToolContext that records what the tool reported, for tests that call `run` directly. */
export interface TestingContext extends ToolContext {
  readonly progressReports: ProgressReport[];
  readonly logLines: {
    level: 'debug' | 'info' | 'warn' | 'error';
    message: string;
    fields?: Record<string, unknown>;
  }[];
}

/**
 * A ToolContext for unit tests that call a tool's `run` without Temporal: progress and log
 * lines are recorded, the signal is the test's (never aborted by default), the step is a
 * fixed test address, and there are no files unless given.
 */
export function testingContext(options: TestingContextOptions = {}): TestingContext {
  const progressReports: ProgressReport[] = [];
  const logLines: TestingContext['logLines'] = [];
  const line =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (message: string, fields?: Record<string, unknown>): void => {
      logLines.push(fields === undefined ? { level, message } : { level, message, fields });
    };
  const log: ToolLogger = { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') };
  return {
    progress(message, fraction) {
      const report: ProgressReport = fraction === undefined ? { message } : { message, fraction };
      progressReports.push(report);
      options.onProgress?.(report, progressReports);
    },
    signal: options.signal ?? new AbortController().signal,
    files: options.files ?? memoryFiles({}),
    step: {
      job_id: 'job_test',
      run_id: 'run_test',
      workflow_id: 'wf_test',
      step_index: 0,
      step_id: 'step_1',
      correlation_id: 'corr_test',
    },
    attempt: 1,
    log,
    progressReports,
    logLines,
  };
}

/** An in-memory stand-in for @ordo/storage's file store: files by file_id. */
export function memoryFiles(files: Record<string, MemoryFile>): FileReader {
  return {
    read(fileId): Promise<StoredFile | undefined> {
      const file = files[fileId];
      if (file === undefined) return Promise.resolve(undefined);
      return Promise.resolve({
        bytes: file.bytes,
        name: file.name ?? `${fileId}.pdf`,
        mime_type: file.mime_type ?? 'application/pdf',
        size: file.bytes.length,
      });
    },
  };
}
