export const name = '0009-create-claims';

// A create is claimed before it is sent: its key is kept as 'pending' until the target's answer is
// recorded, so a later version of the same record, or a job racing it, reuses the key the target
// may already have seen instead of creating the record a second time. One pending create per record.
export const up = /* sql */ `
ALTER TABLE outbound_writes ADD COLUMN claimed_by text;
CREATE UNIQUE INDEX outbound_writes_pending_create ON outbound_writes (connection_id, stream, canonical_id)
  WHERE status = 'pending';
`;
