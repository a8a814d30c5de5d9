import { HubError } from '../../../core/errors/index.ts';
import type { OdooConfig } from '../config.ts';
import { itemsStream } from './items.ts';
import { routingsStream, workCentersStream, workOrdersStream } from './manufacturing.ts';
import { purchaseOrdersStream, salesOrdersStream } from './orders.ts';
import { contactsStream, customersStream, suppliersStream } from './partners.ts';
import { shipmentsStream, stockLevelsStream } from './stock.ts';
import type { OdooStream } from './types.ts';

export const odooStreams: OdooStream[] = [
  customersStream,
  suppliersStream,
  contactsStream,
  itemsStream,
  salesOrdersStream,
  purchaseOrdersStream,
  stockLevelsStream,
  shipmentsStream,
  workCentersStream,
  routingsStream,
  workOrdersStream,
];

/** The stream with the connection's overrides (field list, filter, match field) applied. */
export function resolveOdooStream(config: OdooConfig, name: string): OdooStream {
  const stream = odooStreams.find((candidate) => candidate.spec.name === name);
  if (!stream) {
    const known = odooStreams.map((s) => s.spec.name).join(', ');
    throw new HubError('config', 'unknown_stream', `odoo has no stream "${name}" (streams: ${known})`);
  }
  const options = config.streams[name] ?? {};
  return {
    ...stream,
    fields: options.fields ?? stream.fields,
    domain: options.domain ?? stream.domain,
    matchField: options.matchField ?? stream.matchField,
  };
}
