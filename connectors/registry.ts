import type { Connector } from '../core/connector/types.ts';
import { HubError } from '../core/errors/index.ts';
import { csv } from './csv/index.ts';
import { erpnextConnector } from './erpnext/index.ts';
import { odooConnector } from './odoo/index.ts';
import { rest } from './rest/index.ts';
import { hubspot } from './hubspot/index.ts';
import { salesforce } from './salesforce/index.ts';

// One line per connector folder; deleting a folder and its line removes the connector entirely.
// biome-ignore lint/suspicious/noExplicitAny: connectors differ in config type; each validates its own.
const connectors: Connector<any>[] = [
  csv,
  rest,
  erpnextConnector,
  odooConnector,
  hubspot,
  salesforce,
];

export function listConnectors(): Connector<unknown>[] {
  return connectors;
}

export function findConnector(kind: string): Connector<unknown> {
  const connector = connectors.find((candidate) => candidate.kind === kind);
  if (!connector) {
    const known = connectors.map((c) => c.kind).join(', ');
    throw new HubError('config', 'unknown_connector', `No connector of kind "${kind}" (known: ${known})`);
  }
  return connector;
}
