import type { SandboxOrg } from '../connectors/sandbox/salesforce/org.ts';
import type { Queryable } from '../core/store/db.ts';

/**
 * Stamps the hub's id into Hub_Id__c of the CRM's opportunities, as an org admin does once with a
 * data load: the connector upserts on that field, so a promise date written back lands on the
 * opportunity it came from instead of a new one.
 */
export async function stampHubIds(db: Queryable, org: SandboxOrg, connectionId: string): Promise<number> {
  const { rows } = await db.query<{ external_id: string; canonical_id: string }>(
    `SELECT external_id, canonical_id FROM xref WHERE entity = 'opportunity' AND connection_id = $1`,
    [connectionId],
  );
  let stamped = 0;
  for (const row of rows) {
    const found = org.find(row.external_id);
    if (!found || found.record.IsDeleted || found.record.Hub_Id__c === row.canonical_id) continue;
    org.update(found.sobject, found.record.Id, { Hub_Id__c: row.canonical_id });
    stamped += 1;
  }
  return stamped;
}
