export const name = '0007-webhook-batches';

// Webhook events wait in the table and are drained in batches: one transaction for many events
// instead of one per event keeps latency flat when events arrive faster than one at a time.
export const up = /* sql */ `
ALTER TABLE webhook_events ADD COLUMN event jsonb;
ALTER TABLE webhook_events ADD COLUMN processed_at timestamptz;
CREATE INDEX webhook_events_waiting ON webhook_events (connection_id, received_at) WHERE processed_at IS NULL AND event IS NOT NULL;
`;
