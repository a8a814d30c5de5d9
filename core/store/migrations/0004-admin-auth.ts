export const name = '0004-admin-auth';

/** Cookie sessions of the admin UI: only a hash of the session id is stored, with its CSRF token. */
export const up = /* sql */ `
CREATE TABLE sessions (
  id_hash text PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  csrf_token text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX audit_log_action ON audit_log (action, id DESC);
`;
