import { z } from 'zod';
import type { Cursor } from '../../core/connector/types.ts';

const fileSchema = z.object({
  name: z.string(),
  hash: z.string(),
  /** Unreadable: the page naming it holds its failure records, and it goes to failed/. */
  failed: z.literal(true).optional(),
});

const cursorSchema = z.object({
  /** The latest imported or failed files (name and content hash), newest last. */
  files: z.array(fileSchema).default([]),
  /** A file whose records are partly handed over: rows up to `line` are done. */
  partial: z.object({ name: z.string(), hash: z.string(), line: z.number().int() }).optional(),
});

export type CsvCursor = z.output<typeof cursorSchema>;
export type CsvFileDone = z.output<typeof fileSchema>;

const keptFiles = 200;

export function parseCsvCursor(cursor: Cursor | undefined): CsvCursor {
  const parsed = cursorSchema.safeParse(cursor ?? {});
  return parsed.success ? parsed.data : { files: [] };
}

/** Whether a cursor entry names this file: the same name with the same content. */
export const isFile = (entry: { name: string; hash: string }, name: string, hash: string) =>
  entry.name === name && entry.hash === hash;

/** Another file's resume point stays: that file is still to finish. */
export function withFinishedFile(cursor: CsvCursor, done: CsvFileDone): CsvCursor {
  const files = [...cursor.files, done].slice(-keptFiles);
  const resumesOther = cursor.partial && !isFile(cursor.partial, done.name, done.hash);
  return resumesOther ? { files, partial: cursor.partial } : { files };
}

export function toCursorJson(cursor: CsvCursor): Cursor {
  return cursor.partial ? { files: cursor.files, partial: cursor.partial } : { files: cursor.files };
}
