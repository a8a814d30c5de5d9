import { z } from 'zod';

export const SYNC_RUNS_QUEUE = 'sync-runs';

/** A queued sync run; the consumer checks it, so a malformed one fails naming its field. */
export const syncRunJobSchema = z.object({
  connectionId: z.string().min(1),
  stream: z.string().min(1),
  full: z.boolean().optional(),
  /** Why the run was asked for: schedule, webhook, api, replay. */
  reason: z.string().optional(),
});
export type SyncRunJob = z.infer<typeof syncRunJobSchema>;
