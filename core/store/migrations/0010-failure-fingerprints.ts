export const name = '0010-failure-fingerprints';

// A failure seen again after it was resolved is found by its fingerprint in any state.
export const up = /* sql */ `
CREATE INDEX failed_syncs_fingerprint ON failed_syncs (fingerprint, last_seen DESC);
`;
