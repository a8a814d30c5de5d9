export const name = '0002-sync';

export const up = /* sql */ `
CREATE TABLE outbound_writes (
  idempotency_key text PRIMARY KEY,
  connection_id text NOT NULL,
  stream text NOT NULL,
  canonical_id uuid NOT NULL,
  version integer NOT NULL,
  external_id text,
  content_hash text NOT NULL,
  status text NOT NULL,
  written_at timestamptz NOT NULL DEFAULT now()
);
-- What the hub itself last wrote to each target record: an inbound change equal to it is an echo.
CREATE TABLE last_written (
  connection_id text NOT NULL,
  stream text NOT NULL,
  external_id text NOT NULL,
  canonical_id uuid NOT NULL,
  version integer NOT NULL,
  body jsonb NOT NULL,
  content_hash text NOT NULL,
  written_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (connection_id, stream, external_id)
);

CREATE TABLE webhook_events (
  connection_id text NOT NULL,
  event_id text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (connection_id, event_id)
);

CREATE TABLE pending_refs (
  id uuid PRIMARY KEY,
  connection_id text NOT NULL,
  stream text NOT NULL,
  external_id text NOT NULL,
  ref_entity text NOT NULL,
  ref_key text NOT NULL,
  field_path text NOT NULL,
  raw jsonb NOT NULL,
  first_seen timestamptz NOT NULL DEFAULT now(),
  UNIQUE (connection_id, stream, external_id, ref_entity, ref_key)
);
CREATE INDEX pending_refs_waiting_for ON pending_refs (ref_entity, ref_key);

CREATE TABLE mapping_versions (
  id uuid PRIMARY KEY,
  connection_id text NOT NULL,
  stream text NOT NULL,
  direction text NOT NULL,
  version integer NOT NULL,
  source text NOT NULL,
  content_hash text NOT NULL,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (connection_id, stream, direction, version)
);

-- A lease per stream: one run at a time across every worker on every host.
CREATE TABLE stream_locks (
  connection_id text NOT NULL,
  stream text NOT NULL,
  owner text NOT NULL,
  expires_at timestamptz NOT NULL,
  PRIMARY KEY (connection_id, stream)
);

CREATE TABLE schedules (
  connection_id text NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
  stream text NOT NULL,
  cron text NOT NULL,
  enabled boolean NOT NULL DEFAULT true,
  last_run_at timestamptz,
  PRIMARY KEY (connection_id, stream)
);
`;
