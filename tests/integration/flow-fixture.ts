import type { CanonicalEntity } from '../../core/connector/types.ts';
import { findFlow } from '../../core/flow/catalog.ts';
import { runFlowNow } from '../../core/flow/service.ts';
import { writeNow } from '../../core/flow/targets.ts';
import type { Hub } from '../../core/runtime/hub.ts';
import { runSync } from '../../core/sync/run-sync.ts';
import { memoryConnector, memorySystem } from '../support/memory-system.ts';

let counter = 0;

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
