import type { Connector, ConnectorContext } from '../connector/types.ts';
import { logger } from '../log/logger.ts';
import type { Store } from '../store/index.ts';
import { createConnectionState } from '../store/repos/connection-state.ts';
import type { Connection } from '../store/repos/connections.ts';

/** The config is parsed by the connector's own schema, so defaults apply and nothing unchecked reaches it. */
export function contextFor(
  store: Store,
  connector: Connector<unknown>,
  connection: Connection,
  signal?: AbortSignal,
): ConnectorContext<unknown> {
  return {
    connectionId: connection.id,
    config: connector.configSchema.parse(connection.config),
    logger: logger.child({ connectionId: connection.id, connector: connector.kind }),
    state: createConnectionState(store.db, store.box, connection.id),
    signal,
    allowPrivateNetwork: connection.options.allowPrivateNetwork === true,
  };
}
