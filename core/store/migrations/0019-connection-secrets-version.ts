export const name = '0019-connection-secrets-version';

// Which secrets a call was made with: a refusal of replaced secrets says nothing of the new ones.
// A sequence, not a per-row count, so a connection created again under an old id never takes up
// a version a call to the deleted one was made with.
export const up = /* sql */ `
CREATE SEQUENCE connection_secrets_versions;
ALTER TABLE connections ADD COLUMN secrets_version bigint NOT NULL DEFAULT nextval('connection_secrets_versions');
`;
