import type { CanonicalEntity } from '../../core/connector/types.ts';
import { findFlow } from '../../core/flow/catalog.ts';
import { runFlowNow } from '../../core/flow/service.ts';
import { writeNow } from '../../core/flow/targets.ts';
import type { Hub } from '../../core/runtime/hub.ts';
import { runSync } from '../../core/sync/run-sync.ts';
import { type MemorySystem, memoryConnector, memorySystem } from '../support/memory-system.ts';

let counter = 0;

/** The date `days` days before today, as YYYY-MM-DD. */
export const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);

/** A CRM, an ERP and an SCM, each an in-memory system; roles are connection options. */
export async function setUpPlant(hub: Hub) {
  counter++;
  const names = {
    crm: `crm-flow-${counter}-${Date.now()}`,
    erp: `erp-flow-${counter}-${Date.now()}`,
    scm: `scm-flow-${counter}-${Date.now()}`,
  };
  const { connections } = hub.store;
  for (const role of ['crm', 'erp', 'scm'] as const) {
    await connections.save(
      {
        id: role,
        kind: 'memory',
        name: role.toUpperCase(),
        config: { system: names[role] },
        options: { role, circuitHalfOpenMs: 200 },
      },
      memoryConnector.configSchema,
    );
  }
  const crm = memorySystem(names.crm);
  const erp = memorySystem(names.erp);
  const scm = memorySystem(names.scm);
  erp.put('work_centers', { id: 'WC-SAW', code: 'SAW', name: 'Saw', minutesPerDay: 960 });
  erp.put('work_centers', {
    id: 'WC-HEAT',
    code: 'HEAT',
    name: 'Heat treatment',
    minutesPerDay: 480,
    isConstraint: true,
  });
  erp.put('items', {
    id: 'I-GEAR',
    sku: 'GEAR-40',
    name: 'Gear 40',
    replenishment: 'make_to_order',
    listPrice: 12000,
    tvc: 4000,
    currency: 'EUR',
  });
  erp.put('items', {
    id: 'I-SHAFT',
    sku: 'SHAFT-12',
    name: 'Shaft 12',
    replenishment: 'make_to_stock',
    listPrice: 5000,
    tvc: 3000,
    currency: 'EUR',
    leadTimeDays: 5,
  });
  erp.put('items', {
    id: 'I-BOLT',
    sku: 'BOLT-M8',
    name: 'Bolt M8',
    type: 'purchased',
    replenishment: 'make_to_stock',
    listPrice: 50,
    tvc: 20,
    currency: 'EUR',
    leadTimeDays: 7,
  });
  erp.put('routings', {
    id: 'R-GEAR',
    itemId: 'I-GEAR',
    operations: [
      { sequence: 10, workCenterId: 'WC-SAW', setupMinutes: 10, runMinutesPerUnit: 2 },
      { sequence: 20, workCenterId: 'WC-HEAT', setupMinutes: 20, runMinutesPerUnit: 4 },
    ],
  });
  erp.put('routings', {
    id: 'R-SHAFT',
    itemId: 'I-SHAFT',
    operations: [
      { sequence: 10, workCenterId: 'WC-SAW', setupMinutes: 5, runMinutesPerUnit: 1 },
      { sequence: 20, workCenterId: 'WC-HEAT', setupMinutes: 10, runMinutesPerUnit: 1 },
    ],
  });
  for (const stream of ['work_centers', 'items', 'routings'])
    await runSync(hub, { connectionId: 'erp', stream });
  return { names, crm, erp, scm };
}

/** Syncs these streams of a connection, in order. */
export async function syncAll(hub: Hub, connectionId: string, streams: string[]): Promise<void> {
  for (const stream of streams) await runSync(hub, { connectionId, stream });
}

/** Writes every golden record of `entity` to a connection, as a two-way sync would have. */
export async function copyTo(hub: Hub, connectionId: string, entity: CanonicalEntity): Promise<void> {
  const { rows } = await hub.store.db.query<{ id: string; version: number }>(
    'SELECT id, version FROM golden_records WHERE entity = $1',
    [entity],
  );
  const connection = await hub.store.connections.get(connectionId);
  await writeNow(
    hub,
    connection,
    entity,
    rows.map((row) => ({ canonicalId: row.id, version: row.version })),
  );
}

export function runFlow(hub: Hub, name: string, params: { recordId?: string; key?: string } = {}) {
  return runFlowNow(hub, findFlow(name), params);
}

export async function canonicalIdOf(
  hub: Hub,
  entity: string,
  connectionId: string,
  externalId: string,
): Promise<string> {
  const { rows } = await hub.store.db.query<{ canonical_id: string }>(
    'SELECT canonical_id FROM xref WHERE entity = $1 AND connection_id = $2 AND external_id = $3',
    [entity, connectionId, externalId],
  );
  if (!rows[0]) throw new Error(`no xref for ${entity} ${externalId} in ${connectionId}`);
  return rows[0].canonical_id;
}

/** Usage for replenishment: ERP customer E-1 and its order S-1 of these lines, shipped ten days ago. */
export function putShippedOrder(erp: MemorySystem, lines: Array<{ itemId: string; quantity: number }>): void {
  erp.put('customers', { id: 'E-1', name: 'Shanghai Axles', currency: 'EUR' });
  erp.put('sales_orders', {
    id: 'S-1',
    number: 'SO-1',
    customerId: 'E-1',
    status: 'shipped',
    orderDate: daysAgo(10),
    currency: 'EUR',
    lines,
  });
}

/** ERP supplier V-1 and its purchase order P-1 of 1000 bolts, received 33 days ago. */
export function putReceivedBoltPurchase(erp: MemorySystem): void {
  erp.put('suppliers', { id: 'V-1', name: 'Ningbo Fasteners' });
  erp.put('purchase_orders', {
    id: 'P-1',
    number: 'PO-1',
    supplierId: 'V-1',
    status: 'received',
    orderDate: daysAgo(40),
    currency: 'EUR',
    lines: [
      {
        itemId: 'I-BOLT',
        quantity: 1000,
        promisedDate: daysAgo(33),
        receivedDate: daysAgo(33),
        receivedQuantity: 1000,
      },
    ],
  });
}

/** A CRM and an ERP, each an in-memory system named after `label`, saved as connections `crm` and `erp`. */
export async function connectCrmAndErp(
  hub: Hub,
  label: string,
): Promise<{ crm: MemorySystem; erp: MemorySystem }> {
  counter++;
  const crm = memorySystem(`crm-${label}-${counter}-${Date.now()}`);
  const erp = memorySystem(`erp-${label}-${counter}-${Date.now()}`);
  for (const [id, system] of [
    ['crm', crm],
    ['erp', erp],
  ] as const)
    await hub.store.connections.save(
      { id, kind: 'memory', name: id.toUpperCase(), config: { system: system.name } },
      memoryConnector.configSchema,
    );
  return { crm, erp };
}

/** The current version of a golden record. */
export async function goldenVersionOf(hub: Hub, canonicalId: string): Promise<number> {
  const { rows } = await hub.store.db.query<{ version: number }>(
    'SELECT version FROM golden_records WHERE id = $1',
    [canonicalId],
  );
  return rows[0]!.version;
}

/**
 * Replenishment's history in the ERP, synced to the hub with the items copied to the CRM: order S-1
 * of `shipped` lines (see putShippedOrder), the bolts bought from V-1 (see putReceivedBoltPurchase)
 * and these stock levels.
 */
export async function syncReplenishmentHistory(
  hub: Hub,
  erp: MemorySystem,
  shipped: Array<{ itemId: string; quantity: number }>,
  stockLevels: Array<Record<string, unknown> & { id: string }>,
): Promise<void> {
  putShippedOrder(erp, shipped);
  putReceivedBoltPurchase(erp);
  for (const level of stockLevels) erp.put('stock_levels', level);
  await syncAll(hub, 'erp', ['customers', 'suppliers', 'sales_orders', 'purchase_orders', 'stock_levels']);
  await copyTo(hub, 'crm', 'item');
}

/** The ERP delivers a sales order: outbound shipment D-1, done today, synced to the hub. */
export async function shipInErp(hub: Hub, erp: MemorySystem, salesOrderId: string): Promise<void> {
  erp.put('shipments', {
    id: 'D-1',
    number: 'WH/OUT/0001',
    direction: 'outbound',
    salesOrderId,
    status: 'done',
    doneDate: new Date().toISOString().slice(0, 10),
  });
  await syncAll(hub, 'erp', ['shipments']);
}
