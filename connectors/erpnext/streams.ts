import type { StreamSpec } from '../../core/connector/index.ts';
import { HubError } from '../../core/errors/index.ts';
import type { ErpnextConfig } from './config.ts';

export interface ErpnextStream {
  spec: StreamSpec;
  doctype: string;
  /** Read each document again by name to get its child tables (lines, operations ...). */
  withChildren: boolean;
  /** Submittable doctypes carry docstatus: 0 draft, 1 submitted, 2 cancelled. */
  submittable: boolean;
  matchField?: string;
}

const spec = (name: string, entity: StreamSpec['entity'], write: boolean): StreamSpec => ({
  name,
  entity,
  primaryKey: 'name',
  cursorField: 'modified',
  read: true,
  write,
});

export const erpnextStreams: ErpnextStream[] = [
  {
    spec: spec('customers', 'customer', true),
    doctype: 'Customer',
    withChildren: false,
    submittable: false,
    matchField: 'customer_name',
  },
  {
    spec: spec('suppliers', 'supplier', true),
    doctype: 'Supplier',
    withChildren: false,
    submittable: false,
    matchField: 'supplier_name',
  },
  {
    spec: spec('items', 'item', true),
    doctype: 'Item',
    withChildren: false,
    submittable: false,
    matchField: 'item_code',
  },
  {
    spec: spec('sales_orders', 'sales_order', true),
    doctype: 'Sales Order',
    withChildren: true,
    submittable: true,
    matchField: 'po_no',
  },
  {
    spec: spec('purchase_orders', 'purchase_order', true),
    doctype: 'Purchase Order',
    withChildren: true,
    submittable: true,
  },
  {
    spec: spec('stock_levels', 'stock_level', false),
    doctype: 'Bin',
    withChildren: false,
    submittable: false,
  },
  {
    spec: spec('work_orders', 'work_order', true),
    doctype: 'Work Order',
    withChildren: true,
    submittable: true,
  },
  {
    spec: spec('work_centers', 'work_center', false),
    doctype: 'Workstation',
    withChildren: true,
    submittable: false,
  },
  { spec: spec('routings', 'routing', false), doctype: 'BOM', withChildren: true, submittable: true },
];

export function resolveErpnextStream(config: ErpnextConfig, name: string): ErpnextStream {
  const stream = erpnextStreams.find((candidate) => candidate.spec.name === name);
  if (!stream) {
    const known = erpnextStreams.map((s) => s.spec.name).join(', ');
    throw new HubError('config', 'unknown_stream', `erpnext has no stream "${name}" (streams: ${known})`);
  }
  return { ...stream, matchField: config.streams[name]?.matchField ?? stream.matchField };
}
