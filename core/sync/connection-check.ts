import type { CheckResult } from '../connector/types.ts';
import type { Hub } from '../runtime/hub.ts';
import type { Connection } from '../store/repos/connections.ts';
import { contextFor } from './connector-context.ts';
import { noteCredentials } from './failures.ts';

/**
 * Runs the connector's check and lets the connection's status follow it, from the API and the CLI
 * alike. A check that passes shows the credentials work; one that throws may show them refused. A
 * failed check line says neither (its server may just be down), so the status is left as it is.
 */
export async function checkConnection(
  hub: Pick<Hub, 'store' | 'connectors'>,
  connection: Connection,
  signal: AbortSignal,
): Promise<CheckResult> {
  const connector = hub.connectors.find(connection.kind);
  try {
    const result = await connector.check(contextFor(hub.store, connector, connection, signal));
    if (result.ok) await noteCredentials(hub.store.connections, connection);
    return result;
  } catch (error) {
    await noteCredentials(hub.store.connections, connection, error);
    throw error;
  }
}
