import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEnv } from '../../core/config/env.ts';
import { removeQueuePrefix } from '../../core/queue/remove-keys.ts';
import { demoConnectionIds } from '../../demo/connections.ts';
import { type RunningDemo, startDemo } from '../../demo/start-demo.ts';
import { eventually } from '../support/test-hub.ts';

const services = Boolean(process.env.DATABASE_URL && process.env.REDIS_URL);
let demo: RunningDemo;
let dataDir: string;
let startedIn: number;
// Its own queue keys: jobs another hub or an earlier run left in Redis are not this demo's.
const queuePrefix = `thub-test-demo-${randomBytes(4).toString('hex')}`;

async function api<T>(path: string): Promise<T> {
  const response = await fetch(`${demo.url}${path}`, {
    headers: { authorization: `Bearer ${demo.admin.token}` },
  });
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'thub-demo-test-'));
  const started = Date.now();
  demo = await startDemo({
    env: { ...loadEnv(), LOG_LEVEL: 'warn', HUB_DATA_DIR: dataDir, HUB_QUEUE_PREFIX: queuePrefix },
    services,
    port: 0,
    simulateEveryMs: 1_500,
  });
  startedIn = Date.now() - started;
}, 120_000);
afterAll(async () => {
  await demo?.stop();
  await rm(dataDir, { recursive: true, force: true });
  if (services) await removeQueuePrefix(process.env.REDIS_URL, queuePrefix);
});

describe(`npm run demo, started headlessly (${services ? 'PostgreSQL + Redis' : 'PGlite + in-process queue'})`, () => {
  it('is ready and synced within a minute, and its API token works and is written to the data folder', async () => {
    expect(startedIn).toBeLessThan(60_000);
    expect((await fetch(`${demo.url}/readyz`)).status).toBe(200);
    expect(demo.initialSync.filter((run) => run.status === 'failed')).toEqual([]);
    expect((await readFile(join(dataDir, 'demo-token'), 'utf8')).trim()).toBe(demo.admin.token);
    const connections = await api<{ items: Array<{ id: string }> }>('/api/connections');
    expect(connections.items.map((connection) => connection.id).sort()).toEqual(
      Object.values(demoConnectionIds).sort(),
    );
  });

  it('shows customers from the CRM and the ERP merged into one golden record', async () => {
    const { rows } = await demo.hub.store.db.query<{ canonical_id: string }>(
      `SELECT canonical_id FROM xref WHERE entity = 'customer' AND connection_id IN ($1, $2)
       GROUP BY canonical_id HAVING count(DISTINCT connection_id) = 2`,
      [demoConnectionIds.salesforce, demoConnectionIds.odoo],
    );
    expect(rows.length).toBeGreaterThanOrEqual(25);
    const detail = await api<{ record: { id: string }; xrefs: Array<{ connectionId: string }> }>(
      `/api/records/customer/${rows[0]!.canonical_id}`,
    );
    expect(new Set(detail.xrefs.map((xref) => xref.connectionId))).toEqual(
      new Set([demoConnectionIds.salesforce, demoConnectionIds.odoo]),
    );
  });

  it("reads the mills' minimum order quantities from the Odoo vendor lines of the purchased bars", async () => {
    const { rows } = await demo.hub.store.db.query<{ sku: string; minimum: number | null }>(
      `SELECT body->>'sku' AS sku, (body->>'minimumOrderQuantity')::float AS minimum FROM golden_records
       WHERE entity = 'item' AND body->>'sku' LIKE 'RM-%' AND NOT deleted ORDER BY 1`,
    );
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect([200, 250, 500], row.sku).toContain(row.minimum);
  });

  it('schedules the drum on heat treatment', async () => {
    const answer = await api<{ result: { constraint: string; drum: unknown[]; orders: unknown[] } }>(
      '/api/toc/services/drum-schedule',
    );
    expect(answer.result.constraint).toBe('HEAT');
    expect(answer.result.drum.length).toBeGreaterThan(0);
    expect(answer.result.orders.length).toBeGreaterThan(100);
  });

  it('colours the buffers of the make-to-stock items', async () => {
    const answer = await api<{ result: { items: Array<{ planningPriority: string }> } }>(
      '/api/toc/services/buffers',
    );
    expect(answer.result.items.length).toBeGreaterThan(10);
    for (const item of answer.result.items)
      expect(['green', 'yellow', 'red', 'black']).toContain(item.planningPriority);
  });

  it('writes promise dates into the won opportunities of the Salesforce sandbox', async () => {
    const promised = await eventually(
      () => {
        const rows = demo.sandboxes.salesforce.org
          .rows('Opportunity', false)
          .filter((row) => row.IsWon === true && typeof row.Promise_Date__c === 'string');
        return rows.length > 0 ? rows : undefined;
      },
      45_000,
      'a won opportunity with Promise_Date__c',
    );
    expect(promised[0]!.Promise_Date__c).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    // Written onto the opportunity the deal came from: a write-back copy would carry a hub id
    // that another opportunity already carries.
    const hubIds = demo.sandboxes.salesforce.org
      .rows('Opportunity', false)
      .map((row) => row.Hub_Id__c)
      .filter((id): id is string => typeof id === 'string' && id !== '');
    expect(hubIds.length).toBeGreaterThan(0);
    expect(new Set(hubIds).size).toBe(hubIds.length);
  }, 60_000);
});
