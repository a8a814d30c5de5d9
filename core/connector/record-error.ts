import { z } from 'zod';

/**
 * A record a connector could read but not parse (a malformed CSV row, say). It travels in
 * ReadPage.records like any record and the engine files it in failed_syncs with its location,
 * while the rest of the page imports.
 */
export const recordErrorSchema = z.object({
  __error: z.object({
    message: z.string(),
    fieldPath: z.string().optional(),
    fileName: z.string().optional(),
    line: z.number().int().optional(),
  }),
  raw: z.unknown(),
});
export type RecordError = z.infer<typeof recordErrorSchema>;

export function isRecordError(record: unknown): record is RecordError {
  return (
    typeof record === 'object' &&
    record !== null &&
    '__error' in record &&
    recordErrorSchema.safeParse(record).success
  );
}
