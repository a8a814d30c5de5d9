import { streamsOf } from '../../connector/define.ts';
import type { StreamSpec } from '../../connector/types.ts';
import { HubError } from '../../errors/index.ts';
import type { Direction } from '../../mapping/index.ts';
import type { Hub } from '../../runtime/hub.ts';
import type { Connection } from '../../store/repos/connections.ts';

/**
 * The connection and its stream of this name, once it is known to read (`in`) or write (`out`)
 * that stream; else a 404 naming both. Stream names from a request are only trusted after this.
 */
export async function connectionStream(
  hub: Hub,
  connectionId: string,
  stream: string,
  direction: Direction,
): Promise<{ connection: Connection; spec: StreamSpec }> {
  const connection = await hub.store.connections.get(connectionId);
  const connector = hub.connectors.find(connection.kind);
  const spec = streamsOf(connector, connection.config).find(
    (candidate) => candidate.name === stream && (direction === 'in' ? candidate.read : candidate.write),
  );
  if (!spec) {
    throw new HubError(
      'not_found',
      'unknown_stream',
      `${connection.kind} connection ${connection.id} has no ${direction === 'in' ? 'readable' : 'writable'} stream "${stream}"`,
      { fieldPath: 'stream' },
    );
  }
  return { connection, spec };
}

/** The connection, once it is known to have the stream (see connectionStream). */
export async function connectionWithStream(
  hub: Hub,
  connectionId: string,
  stream: string,
  direction: Direction,
): Promise<Connection> {
  return (await connectionStream(hub, connectionId, stream, direction)).connection;
}

/** The connection, once it is known to have a readable stream of this name (else a 404 naming both). */
export function connectionWithReadableStream(
  hub: Hub,
  connectionId: string,
  stream: string,
): Promise<Connection> {
  return connectionWithStream(hub, connectionId, stream, 'in');
}
