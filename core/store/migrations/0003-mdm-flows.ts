export const name = '0003-mdm-flows';

export const up = /* sql */ `
CREATE TABLE mdm_matches (
  id uuid PRIMARY KEY,
  entity text NOT NULL,
  left_id uuid NOT NULL,
  right_id uuid NOT NULL,
  score double precision NOT NULL,
  reasons jsonb NOT NULL DEFAULT '[]'::jsonb,
  state text NOT NULL DEFAULT 'review',
  created_at timestamptz NOT NULL DEFAULT now(),
  decided_at timestamptz,
  decided_by text,
  UNIQUE (entity, left_id, right_id)
);

CREATE TABLE merge_history (
  id uuid PRIMARY KEY,
  entity text NOT NULL,
  survivor_id uuid NOT NULL,
  merged_id uuid NOT NULL,
  snapshot jsonb NOT NULL,
  actor text NOT NULL,
  merged_at timestamptz NOT NULL DEFAULT now(),
  unmerged_at timestamptz
);

CREATE TABLE flow_runs (
  id uuid PRIMARY KEY,
  flow text NOT NULL,
  trigger jsonb NOT NULL,
  status text NOT NULL,
  context jsonb NOT NULL DEFAULT '{}'::jsonb,
  error text,
  started_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz
);
CREATE INDEX flow_runs_recent ON flow_runs (started_at DESC);

CREATE TABLE flow_steps (
  run_id uuid NOT NULL REFERENCES flow_runs(id) ON DELETE CASCADE,
  step text NOT NULL,
  status text NOT NULL,
  output jsonb,
  error text,
  started_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  PRIMARY KEY (run_id, step)
);
`;
