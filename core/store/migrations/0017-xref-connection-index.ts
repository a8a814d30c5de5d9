export const name = '0017-xref-connection-index';

// Deleting a connection deletes its links: xref's other indexes lead with the entity, so without
// this one the delete reads every link of every connection.
export const up = /* sql */ `
CREATE INDEX xref_connection ON xref (connection_id);
`;
