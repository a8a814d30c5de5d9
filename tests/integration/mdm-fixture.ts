import type { Hub } from '../../core/runtime/hub.ts';
import { saveMappingOverride } from '../../core/sync/mapping-source.ts';
import { runSync } from '../../core/sync/run-sync.ts';
import { type MemorySystem, memoryConnector, memorySystem } from '../support/memory-system.ts';

/** Customer fields beyond the default test mapping, so survivorship has something to decide. */
const CUSTOMER_FIELDS = `fields:
  taxId: taxId
  paymentTerms: paymentTerms
  owner: owner
`;

let suffix = 0;

export interface TwoSystems {
  crm: MemorySystem;
  erp: MemorySystem;
  sync(connectionId: 'crm' | 'erp'): ReturnType<typeof runSync>;
}

/** Two memory connections, `crm` and `erp`, whose customer mapping carries tax id, terms and owner. */
export async function connectTwoSystems(hub: Hub): Promise<TwoSystems> {
  const run = `${++suffix}-${Date.now()}-${Math.random()}`;
  const systems = { crm: memorySystem(`mdm-crm-${run}`), erp: memorySystem(`mdm-erp-${run}`) };
  for (const id of ['crm', 'erp'] as const) {
    await hub.store.connections.save(
      { id, kind: 'memory', name: id.toUpperCase(), config: { system: systems[id].name } },
      memoryConnector.configSchema,
    );
    await saveMappingOverride(
      hub.store.db,
      { id, kind: 'memory' },
      'customers',
      'in',
      CUSTOMER_FIELDS,
      'test',
      'tests/support/mappings',
    );
  }
  return { ...systems, sync: (connectionId) => runSync(hub, { connectionId, stream: 'customers' }) };
}

/** The canonical id each system's record got. */
export async function canonicalIdOf(hub: Hub, connectionId: string, externalId: string): Promise<string> {
  const { rows } = await hub.store.db.query<{ canonical_id: string }>(
    'SELECT canonical_id FROM xref WHERE connection_id = $1 AND external_id = $2',
    [connectionId, externalId],
  );
  if (!rows[0]) throw new Error(`no xref for ${connectionId} ${externalId}`);
  return rows[0].canonical_id;
}

export async function liveGoldenCount(hub: Hub, entity = 'customer'): Promise<number> {
  const { rows } = await hub.store.db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM golden_records WHERE entity = $1 AND merged_into IS NULL AND NOT deleted',
    [entity],
  );
  return rows[0]!.n;
}
