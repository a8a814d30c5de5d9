import { HubError } from '../errors/index.ts';
import type { Connector } from './types.ts';

/** The connectors a hub knows, handed in at start-up so that core never names a vendor. */
export interface ConnectorCatalog {
  list(): Connector<unknown>[];
  find(kind: string): Connector<unknown>;
}

export function createCatalog(connectors: Connector<unknown>[]): ConnectorCatalog {
  const byKind = new Map(connectors.map((connector) => [connector.kind, connector]));
  return {
    list: () => [...byKind.values()],
    find(kind) {
      const connector = byKind.get(kind);
      if (!connector) {
        throw new HubError(
          'config',
          'unknown_connector',
          `No connector of kind "${kind}" (known: ${[...byKind.keys()].join(', ')})`,
        );
      }
      return connector;
    },
  };
}
