export const name = '0016-mint-counts';

// Pages per connection that created golden records of an entity (core/mdm/store/mint-counts.ts).
export const up = /* sql */ `
CREATE TABLE mdm_mint_counts (
  entity text NOT NULL,
  connection_id text NOT NULL,
  pages bigint NOT NULL,
  PRIMARY KEY (entity, connection_id)
);
`;
