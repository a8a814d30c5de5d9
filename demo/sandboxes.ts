import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type OdooSandbox, startOdooSandbox } from '../connectors/sandbox/odoo/server.ts';
import { type SalesforceSandbox, startSalesforceSandbox } from '../connectors/sandbox/salesforce/server.ts';
import { type CsvDrop, createCsvDrop } from '../connectors/sandbox/supplier-portal/csv-drop.ts';
import { type SupplierPortal, startSupplierPortal } from '../connectors/sandbox/supplier-portal/server.ts';
import type { DemoData } from './data/generate.ts';
import { type OdooRefs, seedOdoo } from './data/seed-odoo.ts';
import { dropSupplierFile, seedPortal } from './data/seed-portal.ts';
import { seedSalesforce } from './data/seed-salesforce.ts';

/** Credentials of the sandboxes: fixed, since the systems only live as long as the demo. */
export const sandboxCredentials = {
  salesforce: { clientId: 'throughput-hub-demo', refreshToken: 'demo-refresh-token' },
  odoo: { database: 'auto-parts', login: 'hub@auto-parts.example', apiKey: 'odoo-demo-api-key' },
  portal: { apiKey: 'portal-demo-key' },
};

export interface DemoSandboxes {
  salesforce: SalesforceSandbox;
  odoo: OdooSandbox;
  portal: SupplierPortal;
  drop: CsvDrop;
  salesforceIds: { accountIds: Map<string, string>; productIds: Map<string, string> };
  odooRefs: OdooRefs;
  close(): Promise<void>;
}

/** Starts the three systems on free localhost ports and loads the demo company into them. */
export async function startSandboxes(data: DemoData): Promise<DemoSandboxes> {
  const [salesforce, odoo, portal] = await Promise.all([
    startSalesforceSandbox({ ...sandboxCredentials.salesforce, pageSize: 200 }),
    startOdooSandbox(sandboxCredentials.odoo),
    startSupplierPortal(sandboxCredentials.portal),
  ]);
  const folder = await mkdtemp(join(tmpdir(), 'thub-demo-drop-'));
  const drop = createCsvDrop(folder);
  const salesforceIds = seedSalesforce(salesforce.org, data);
  const odooRefs = seedOdoo(odoo.db, data);
  // The ERP's data was entered before today: its write_dates lie in the past.
  odoo.db.backdate(3600);
  seedPortal(portal, data);
  await dropSupplierFile(drop, data);
  return {
    salesforce,
    odoo,
    portal,
    drop,
    salesforceIds,
    odooRefs,
    async close() {
      await Promise.all([salesforce.close(), odoo.close(), portal.close()]);
      await rm(folder, { recursive: true, force: true });
    },
  };
}
