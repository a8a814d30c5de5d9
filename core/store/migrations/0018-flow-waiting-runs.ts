export const name = '0018-flow-waiting-runs';

// The sweep looks each minute for waiting flow runs well past their retry time (kept in lease_until).
export const up = /* sql */ `
CREATE INDEX flow_runs_waiting ON flow_runs (lease_until) WHERE status = 'waiting';
`;
