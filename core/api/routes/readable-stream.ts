import { streamsOf } from '../../connector/define.ts';
import { HubError } from '../../errors/index.ts';
import type { Hub } from '../../runtime/hub.ts';
import type { Connection } from '../../store/repos/connections.ts';

/** The connection, once it is known to have a readable stream of this name (else a 404 naming both). */
export async function connectionWithReadableStream(
  hub: Hub,
  connectionId: string,
  stream: string,
): Promise<Connection> {
  const connection = await hub.store.connections.get(connectionId);
  const connector = hub.connectors.find(connection.kind);
  if (!streamsOf(connector, connection.config).some((spec) => spec.name === stream && spec.read)) {
    throw new HubError(
      'not_found',
      'unknown_stream',
      `${connection.kind} connection ${connection.id} has no readable stream "${stream}"`,
    );
  }
  return connection;
}
