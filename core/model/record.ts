import { z } from 'zod';
import { canonicalIdSchema, timestampSchema } from './primitives.ts';

/** What every stored canonical entity carries beside its body. */
export const recordMetaSchema = z.object({
  id: canonicalIdSchema,
  version: z.number().int().positive(),
  updatedAt: timestampSchema,
  /** The connection (or 'hub') whose change produced this version. */
  sourceSystem: z.string().min(1),
});
export type RecordMeta = z.infer<typeof recordMetaSchema>;

export interface CanonicalRecord<Body = Record<string, unknown>> extends RecordMeta {
  entity: string;
  body: Body;
}
