import { portalCsvConfig, portalRestConfig } from '../connectors/sandbox/supplier-portal/connections.ts';
import type { Hub } from '../core/runtime/hub.ts';
import { saveMappingOverride } from '../core/sync/mapping-source.ts';
import { type DemoSandboxes, sandboxCredentials } from './sandboxes.ts';

export const demoConnectionIds = {
  salesforce: 'demo-salesforce',
  odoo: 'demo-odoo',
  portal: 'demo-portal',
  drop: 'demo-drop',
} as const;

/** What each connection syncs, in the order references need: referenced records first. */
export const demoStreams: Array<{ connectionId: string; stream: string }> = [
  ...[
    'work_centers',
    'items',
    'routings',
    'customers',
    'suppliers',
    'sales_orders',
    'purchase_orders',
    'stock_levels',
    'work_orders',
  ].map((stream) => ({ connectionId: demoConnectionIds.odoo, stream })),
  ...['accounts', 'products', 'opportunities'].map((stream) => ({
    connectionId: demoConnectionIds.salesforce,
    stream,
  })),
  { connectionId: demoConnectionIds.portal, stream: 'suppliers' },
  { connectionId: demoConnectionIds.drop, stream: 'suppliers' },
];

/**
 * Per-connection settings an admin would make for this company: the ERP keeps the truly variable
 * cost in the product cost field, and heat treatment is the constraint.
 */
const overrides: Array<{ connectionId: string; kind: string; stream: string; yaml: string }> = [
  {
    connectionId: demoConnectionIds.odoo,
    kind: 'odoo',
    stream: 'work_centers',
    yaml: `fields:\n  isConstraint: { expr: "code = 'HEAT'" }\n`,
  },
  {
    connectionId: demoConnectionIds.odoo,
    kind: 'odoo',
    stream: 'items',
    yaml: 'fields:\n  trulyVariableCost.amountMinor: { expr: "$toMinorUnits(standard_price)" }\n  trulyVariableCost.currency: { const: USD }\n',
  },
];

const roleOf: Record<string, string> = {
  [demoConnectionIds.salesforce]: 'crm',
  [demoConnectionIds.odoo]: 'erp',
  [demoConnectionIds.portal]: 'scm',
  [demoConnectionIds.drop]: 'scm-files',
};

export async function createDemoConnections(hub: Hub, sandboxes: DemoSandboxes): Promise<void> {
  const save = (
    id: string,
    kind: string,
    name: string,
    config: Record<string, unknown>,
    push: string[] = [],
  ) =>
    hub.store.connections.save(
      { id, kind, name, config, options: { allowPrivateNetwork: true, push, role: roleOf[id] } },
      hub.connectors.find(kind).configSchema,
    );
  await save(
    demoConnectionIds.salesforce,
    'salesforce',
    'Salesforce (sandbox CRM)',
    {
      loginUrl: sandboxes.salesforce.url,
      auth: { type: 'refresh_token', ...sandboxCredentials.salesforce },
      pushBack: {
        promiseDate: 'Promise_Date__c',
        bufferStatus: 'Buffer_Status__c',
        throughputPerConstraintMinute: 'Throughput_per_Constraint_Minute__c',
      },
    },
    ['opportunities'],
  );
  await save(demoConnectionIds.odoo, 'odoo', 'Odoo 18 (sandbox ERP)', {
    url: sandboxes.odoo.url,
    database: sandboxCredentials.odoo.database,
    username: sandboxCredentials.odoo.login,
    apiKey: sandboxCredentials.odoo.apiKey,
    lagSeconds: 1,
  });
  await save(
    demoConnectionIds.portal,
    'rest',
    'Supplier portal (REST)',
    portalRestConfig(sandboxes.portal.url, sandboxCredentials.portal.apiKey),
  );
  await save(
    demoConnectionIds.drop,
    'csv',
    'Supplier portal (CSV drop folder)',
    portalCsvConfig(sandboxes.drop.folder),
  );
  for (const override of overrides) {
    const { rows } = await hub.store.db.query(
      'SELECT 1 FROM mapping_versions WHERE connection_id = $1 AND stream = $2 AND direction = $3 AND source = $4',
      [override.connectionId, override.stream, 'in', override.yaml],
    );
    if (rows.length === 0)
      await saveMappingOverride(
        hub.store.db,
        { id: override.connectionId, kind: override.kind },
        override.stream,
        'in',
        override.yaml,
        'demo',
        hub.mappingsRoot,
      );
  }
}
