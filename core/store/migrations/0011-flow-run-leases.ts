export const name = '0011-flow-run-leases';

// A running flow run is its worker's while its lease lasts; a run whose worker died is taken over
// by the next worker once the lease has run out. Runs already running get one lease length.
export const up = /* sql */ `
ALTER TABLE flow_runs ADD COLUMN claimed_by text;
ALTER TABLE flow_runs ADD COLUMN lease_until timestamptz;
UPDATE flow_runs SET lease_until = now() + interval '10 minutes' WHERE status = 'running';
CREATE INDEX flow_runs_lease ON flow_runs (lease_until) WHERE status = 'running';
`;
