import { z } from 'zod';
import type { Cursor } from '../../core/connector/types.ts';

const fileSchema = z.object({ name: z.string(), hash: z.string() });

const cursorSchema = z.object({
  /** The latest imported files (name and content hash), newest last. */
  files: z.array(fileSchema).default([]),
  /** A file whose records are partly handed over: rows up to `line` are done. */
  partial: z.object({ name: z.string(), hash: z.string(), line: z.number().int() }).optional(),
});

export type CsvCursor = z.output<typeof cursorSchema>;

const keptFiles = 200;

export function parseCsvCursor(cursor: Cursor | undefined): CsvCursor {
  const parsed = cursorSchema.safeParse(cursor ?? {});
  return parsed.success ? parsed.data : { files: [] };
}

/** Another file's resume point stays: that file is still to finish. */
export function withImportedFile(cursor: CsvCursor, name: string, hash: string): CsvCursor {
  const files = [...cursor.files, { name, hash }].slice(-keptFiles);
  return cursor.partial && cursor.partial.hash !== hash ? { files, partial: cursor.partial } : { files };
}

export function toCursorJson(cursor: CsvCursor): Cursor {
  return cursor.partial ? { files: cursor.files, partial: cursor.partial } : { files: cursor.files };
}
