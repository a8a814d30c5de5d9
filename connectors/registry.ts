import { createCatalog } from '../core/connector/catalog.ts';
import type { Connector } from '../core/connector/types.ts';
import { csv } from './csv/index.ts';
import { erpnextConnector } from './erpnext/index.ts';
import { hubspot } from './hubspot/index.ts';
import { odooConnector } from './odoo/index.ts';
import { rest } from './rest/index.ts';
import { salesforce } from './salesforce/index.ts';

// One line per connector folder; deleting a folder and its line removes the connector entirely.
// biome-ignore lint/suspicious/noExplicitAny: connectors differ in config type; each validates its own.
const connectors: Connector<any>[] = [csv, rest, erpnextConnector, odooConnector, hubspot, salesforce];

const catalog = createCatalog(connectors);

export const listConnectors = (): Connector<unknown>[] => catalog.list();

/** The same lookup and error as the hub's own catalog. */
export const findConnector = (kind: string): Connector<unknown> => catalog.find(kind);
