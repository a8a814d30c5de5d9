export const name = '0001-core';

export const up = /* sql */ `
CREATE TABLE golden_records (
  id uuid PRIMARY KEY,
  entity text NOT NULL,
  version integer NOT NULL,
  body jsonb NOT NULL,
  display_name text NOT NULL DEFAULT '',
  natural_key text,
  source_system text NOT NULL,
  lineage jsonb NOT NULL DEFAULT '{}'::jsonb,
  merged_into uuid REFERENCES golden_records(id),
  deleted boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX golden_records_entity_name ON golden_records (entity, lower(display_name));
CREATE INDEX golden_records_entity_key ON golden_records (entity, natural_key);
CREATE INDEX golden_records_entity_updated ON golden_records (entity, updated_at DESC);

CREATE TABLE source_records (
  connection_id text NOT NULL,
  stream text NOT NULL,
  external_id text NOT NULL,
  entity text NOT NULL,
  canonical_id uuid,
  raw jsonb NOT NULL,
  mapped jsonb,
  content_hash text NOT NULL,
  deleted boolean NOT NULL DEFAULT false,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (connection_id, stream, external_id)
);
CREATE INDEX source_records_canonical ON source_records (canonical_id);

CREATE TABLE xref (
  entity text NOT NULL,
  canonical_id uuid NOT NULL,
  connection_id text NOT NULL,
  external_id text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT xref_external_unique UNIQUE (entity, connection_id, external_id),
  CONSTRAINT xref_canonical_unique UNIQUE (entity, canonical_id, connection_id)
);

CREATE TABLE change_log (
  seq bigserial PRIMARY KEY,
  entity text NOT NULL,
  canonical_id uuid NOT NULL,
  version integer NOT NULL,
  operation text NOT NULL,
  body jsonb,
  changed_fields text[] NOT NULL DEFAULT '{}',
  source_system text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX change_log_record ON change_log (canonical_id, seq);

-- The change log is append-only: history that can be edited is not history.
CREATE FUNCTION change_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'change_log is append-only';
END $$;
CREATE TRIGGER change_log_no_update BEFORE UPDATE OR DELETE ON change_log
  FOR EACH ROW EXECUTE FUNCTION change_log_append_only();

CREATE TABLE outbox (
  id bigserial PRIMARY KEY,
  topic text NOT NULL,
  message_key text NOT NULL,
  payload jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  published_at timestamptz
);
CREATE INDEX outbox_unpublished ON outbox (id) WHERE published_at IS NULL;

CREATE TABLE connections (
  id text PRIMARY KEY,
  kind text NOT NULL,
  name text NOT NULL,
  config jsonb NOT NULL DEFAULT '{}'::jsonb,
  secrets_encrypted text,
  options jsonb NOT NULL DEFAULT '{}'::jsonb,
  status text NOT NULL DEFAULT 'active',
  status_message text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE connection_state (
  connection_id text NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
  key text NOT NULL,
  value jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (connection_id, key)
);

CREATE TABLE sync_state (
  connection_id text NOT NULL,
  stream text NOT NULL,
  cursor jsonb,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (connection_id, stream)
);

CREATE TABLE sync_runs (
  id uuid PRIMARY KEY,
  connection_id text NOT NULL,
  stream text NOT NULL,
  mode text NOT NULL,
  status text NOT NULL,
  status_reason text,
  counts jsonb NOT NULL DEFAULT '{}'::jsonb,
  cursor_before jsonb,
  cursor_after jsonb,
  mapping_version text,
  schema_drift jsonb NOT NULL DEFAULT '{}'::jsonb,
  error text,
  started_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz
);
CREATE INDEX sync_runs_recent ON sync_runs (started_at DESC);
CREATE INDEX sync_runs_stream ON sync_runs (connection_id, stream, started_at DESC);

CREATE TABLE failed_syncs (
  id uuid PRIMARY KEY,
  connection_id text NOT NULL,
  stream text NOT NULL,
  direction text NOT NULL,
  external_id text,
  canonical_id uuid,
  raw_payload jsonb,
  mapped_payload jsonb,
  error_class text NOT NULL,
  error_code text NOT NULL,
  message text NOT NULL,
  field_path text,
  mapping_version text,
  attempts integer NOT NULL DEFAULT 1,
  fingerprint text NOT NULL,
  context jsonb NOT NULL DEFAULT '{}'::jsonb,
  state text NOT NULL DEFAULT 'open',
  first_seen timestamptz NOT NULL DEFAULT now(),
  last_seen timestamptz NOT NULL DEFAULT now(),
  resolved_at timestamptz
);
CREATE INDEX failed_syncs_filter ON failed_syncs (state, connection_id, stream, error_class);
CREATE UNIQUE INDEX failed_syncs_open_fingerprint ON failed_syncs (fingerprint) WHERE state IN ('open', 'replayed');

CREATE TABLE audit_log (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  actor text NOT NULL,
  action text NOT NULL,
  target text,
  details jsonb NOT NULL DEFAULT '{}'::jsonb
);

CREATE TABLE users (
  id uuid PRIMARY KEY,
  email text NOT NULL UNIQUE,
  password_hash text NOT NULL,
  role text NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
  disabled boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE api_tokens (
  id uuid PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  name text NOT NULL,
  token_hash text NOT NULL UNIQUE,
  scopes text[] NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz,
  revoked_at timestamptz
);
`;
