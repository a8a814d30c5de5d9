export const name = '0015-parked-mapping-version';

// The mapping a record was parked with: a record that waits too long is filed with it, as every
// other inbound failure is. Rows parked before this have none.
export const up = /* sql */ `
ALTER TABLE pending_refs ADD COLUMN mapping_version text;
`;
