export const name = '0012-hot-path-indexes';

// targetIdsWritten: the newest done write of each record of a job, on every flow step that writes.
// abandonUnleasedRuns: the running runs, on every GET of the runs API (the admin UI polls it).
// grace_ms: how long after expiry a lease still counts as its run's, so a renewal that comes late
// (a busy event loop or database) does not get a live run marked abandoned.
export const up = /* sql */ `
CREATE INDEX outbound_writes_done_record ON outbound_writes (connection_id, stream, canonical_id, version DESC)
  WHERE status = 'done';
CREATE INDEX sync_runs_running ON sync_runs (connection_id, stream) WHERE status = 'running';
ALTER TABLE stream_locks ADD COLUMN grace_ms integer NOT NULL DEFAULT 0;
`;
