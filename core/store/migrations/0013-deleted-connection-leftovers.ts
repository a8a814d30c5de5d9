import { connectionLeftoverStatements } from '../repos/connections.ts';

export const name = '0013-deleted-connection-leftovers';

// Connections deleted before their delete took their state along left it behind: a connection
// created again under the same id would resume from the old cursor and run the old mapping.
export const up = connectionLeftoverStatements('connection_id NOT IN (SELECT id FROM connections)')
  .map((statement) => `${statement};`)
  .join('\n');
