export const name = '0006-flows';

export const up = /* sql */ `
-- One run per trigger key (an opportunity, a sales order): a second change of the same record does not start a second run.
ALTER TABLE flow_runs ADD COLUMN run_key text;
CREATE UNIQUE INDEX flow_runs_key ON flow_runs (flow, run_key) WHERE run_key IS NOT NULL;
CREATE INDEX flow_runs_flow ON flow_runs (flow, started_at DESC);
ALTER TABLE flow_steps ADD COLUMN position integer NOT NULL DEFAULT 0;
ALTER TABLE flow_steps ADD COLUMN attempts integer NOT NULL DEFAULT 1;

CREATE TABLE flow_settings (
  flow text PRIMARY KEY,
  enabled boolean NOT NULL DEFAULT true,
  settings jsonb NOT NULL DEFAULT '{}'::jsonb,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE flow_alerts (
  id uuid PRIMARY KEY,
  flow text NOT NULL,
  run_id uuid REFERENCES flow_runs(id) ON DELETE SET NULL,
  subject_id text NOT NULL,
  subject text NOT NULL,
  level text NOT NULL,
  message text NOT NULL,
  payload jsonb NOT NULL DEFAULT '{}'::jsonb,
  delivery text NOT NULL DEFAULT 'pending',
  delivery_error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  delivered_at timestamptz
);
CREATE INDEX flow_alerts_recent ON flow_alerts (created_at DESC);
`;
