export const name = '0005-mdm-index';

/**
 * Blocking keys of live golden records (so a new source record fetches its few candidates instead
 * of comparing against every record), survivorship rules per entity, and the merge a review led to.
 */
export const up = /* sql */ `
CREATE TABLE mdm_blocking_keys (
  entity text NOT NULL,
  key text NOT NULL,
  canonical_id uuid NOT NULL,
  PRIMARY KEY (entity, key, canonical_id)
);
CREATE INDEX mdm_blocking_keys_canonical ON mdm_blocking_keys (canonical_id);

CREATE TABLE mdm_settings (
  entity text PRIMARY KEY,
  survivorship jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE mdm_matches ADD COLUMN merge_id uuid;
ALTER TABLE merge_history ADD COLUMN unmerged_by text;
CREATE INDEX mdm_matches_state ON mdm_matches (state, created_at, id);
CREATE INDEX mdm_matches_left ON mdm_matches (left_id);
CREATE INDEX mdm_matches_right ON mdm_matches (right_id);
CREATE INDEX merge_history_survivor ON merge_history (survivor_id);
CREATE INDEX merge_history_merged ON merge_history (merged_id);
`;
