export const SYNC_RUNS_QUEUE = 'sync-runs';

export interface SyncRunJob {
  connectionId: string;
  stream: string;
  full?: boolean;
  /** Why the run was asked for: schedule, webhook, api, replay. */
  reason?: string;
}
