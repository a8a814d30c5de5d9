export const name = '0014-match-pair-order';

// A pair is the same pair whichever record the matcher met first: a record merged into A that
// also resembles B files (B, A) after B's own arrival filed (A, B). One of each unordered pair
// stays, a decided one before one still in review, then the oldest.
export const up = /* sql */ `
DELETE FROM mdm_matches WHERE id IN (
  SELECT id FROM (
    SELECT id, row_number() OVER (
      PARTITION BY entity, least(left_id, right_id), greatest(left_id, right_id)
      ORDER BY (state = 'review'), created_at, id) AS rank
    FROM mdm_matches) AS ranked
  WHERE rank > 1);
CREATE UNIQUE INDEX mdm_matches_pair ON mdm_matches (entity, least(left_id, right_id), greatest(left_id, right_id));
`;
