import { streamsOf } from '../../connector/define.ts';
import { HubError } from '../../errors/index.ts';
import type { Direction } from '../../mapping/index.ts';
import type { Hub } from '../../runtime/hub.ts';
import type { Connection } from '../../store/repos/connections.ts';

/**
 * The connection, once it is known to have a stream of this name that it reads (`in`) or writes
 * (`out`); else a 404 naming both. Stream names from a request are only trusted after this.
 */
export async function connectionWithStream(
  hub: Hub,
  connectionId: string,
  stream: string,
  direction: Direction,
): Promise<Connection> {
  const connection = await hub.store.connections.get(connectionId);
  const connector = hub.connectors.find(connection.kind);
  const specs = streamsOf(connector, connection.config);
  if (!specs.some((spec) => spec.name === stream && (direction === 'in' ? spec.read : spec.write))) {
    throw new HubError(
      'not_found',
      'unknown_stream',
      `${connection.kind} connection ${connection.id} has no ${direction === 'in' ? 'readable' : 'writable'} stream "${stream}"`,
      { fieldPath: 'stream' },
    );
  }
  return connection;
}

/** The connection, once it is known to have a readable stream of this name (else a 404 naming both). */
export function connectionWithReadableStream(
  hub: Hub,
  connectionId: string,
  stream: string,
): Promise<Connection> {
  return connectionWithStream(hub, connectionId, stream, 'in');
}
