import { isRecordError } from '../../core/connector/record-error.ts';

/**
 * A row that could not be read, handed to the engine in `ReadPage.records` in place of a record
 * so that it lands in failed_syncs while the rest of the file imports.
 */
export interface CsvRowError {
  __error: {
    fileName: string;
    /** 1-based line of the file where the row starts (1 is the header). */
    line: number;
    message: string;
    /** The field (after the column mapping) at fault, when one is. */
    fieldPath?: string;
  };
  /** The row as read, keyed by the file's column names; null when the file itself is unreadable. */
  raw: Record<string, string> | null;
}

/** A CsvRowError is the engine's RecordError with the file and line always present. */
export function isCsvRowError(record: unknown): record is CsvRowError {
  return (
    isRecordError(record) &&
    typeof record.__error.fileName === 'string' &&
    typeof record.__error.line === 'number'
  );
}

export function createRowError(
  fileName: string,
  line: number,
  message: string,
  raw: Record<string, string> | null,
  fieldPath?: string,
): CsvRowError {
  return { __error: { fileName, line, message, ...(fieldPath ? { fieldPath } : {}) }, raw };
}
