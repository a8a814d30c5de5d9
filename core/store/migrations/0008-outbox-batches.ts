export const name = '0008-outbox-batches';

// A page's changes travel as one outbox message instead of one per record: the relay's claim,
// its mark as published and the queue job then cost one row per page. `changes` counts what a
// message carries, so that the relay can bound the size of a job without reading payloads.
export const up = /* sql */ `
ALTER TABLE outbox ADD COLUMN changes int NOT NULL DEFAULT 1;
`;
