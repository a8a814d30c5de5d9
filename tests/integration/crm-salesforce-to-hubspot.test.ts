import nock from 'nock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { findConnector } from '../../connectors/registry.ts';
import {
  type SalesforceSandbox,
  startSalesforceSandbox,
} from '../../connectors/sandbox/salesforce/server.ts';
import { canonicalIdsFor, xrefsOf } from '../../core/store/repos/xref.ts';
import { runSync } from '../../core/sync/run-sync.ts';
import { queueDrivers, storeDrivers } from '../support/drivers.ts';
import { eventually, hubDriverPairs, startTestHub, type TestHub } from '../support/test-hub.ts';

const credentials = { clientId: 'hub-crm-sync', refreshToken: 'sandbox-refresh-token' };
const hubspotToken = 'pat-na1-00000000-1111-2222-3333-444444444444';

/** An upsert input names the hub id (`idProperty`); an update input the HubSpot id. */
interface UpsertInput {
  idProperty?: string;
  id: string;
  properties: Record<string, unknown>;
  objectWriteTraceId: string;
}

/**
 * HubSpot's batch upsert and batch update, answered by nock: every request body is kept, and each
 * hub id gets one stable HubSpot id, `new` only the first time it is seen.
 */
function serveHubspotCompanies() {
  const requests: Array<{ inputs: UpsertInput[] }> = [];
  const companyIds = new Map<string, string>();
  nock('https://api.hubapi.com', { reqheaders: { authorization: `Bearer ${hubspotToken}` } })
    .post(/^\/crm\/v3\/objects\/companies\/batch\/(upsert|update)$/)
    // nock 15 hands a reply function the fetch Request; one with two parameters is taken as callback-style.
    .reply(200, async (incoming: Request) => {
      const request = (await incoming.json()) as { inputs: UpsertInput[] };
      requests.push(request);
      const results = request.inputs.map((input) => {
        const hubId = input.idProperty ? input.id : String(input.properties.hub_id);
        const known = companyIds.get(hubId);
        const id = known ?? String(7_100_000 + companyIds.size);
        companyIds.set(hubId, id);
        return {
          id,
          properties: { ...input.properties, hub_id: hubId },
          createdAt: '2025-01-06T09:00:00.000Z',
          updatedAt: '2025-01-06T09:00:00.000Z',
          archived: false,
          new: known === undefined,
          objectWriteTraceId: input.objectWriteTraceId,
        };
      });
      return {
        status: 'COMPLETE',
        results,
        startedAt: '2025-01-06T09:00:00.000Z',
        completedAt: '2025-01-06T09:00:00.200Z',
      };
    })
    .persist();
  return { requests, companyIds, inputs: () => requests.flatMap((request) => request.inputs) };
}

describe.each(hubDriverPairs(storeDrivers(), queueDrivers()))(
  'Salesforce accounts through the hub to HubSpot companies on $label',
  ({ store, queue }) => {
    let sandbox: SalesforceSandbox;
    let test: TestHub;
    let hubspot: ReturnType<typeof serveHubspotCompanies>;

    beforeAll(() => {
      nock.disableNetConnect();
      // The sandbox and the databases listen locally; everything else must be answered by nock.
      nock.enableNetConnect(/127\.0\.0\.1|localhost/);
    });
    afterAll(() => nock.enableNetConnect());

    beforeEach(async () => {
      sandbox = await startSalesforceSandbox(credentials);
      hubspot = serveHubspotCompanies();
      test = await startTestHub({
        store: await store.open(),
        queue: queue.open(),
        connectors: [findConnector('salesforce'), findConnector('hubspot')],
        mappingsRoot: 'mappings',
      });
      const { connections } = test.hub.store;
      await connections.save(
        {
          id: 'salesforce',
          kind: 'salesforce',
          name: 'Salesforce',
          config: { loginUrl: sandbox.url, auth: { type: 'refresh_token', ...credentials } },
          options: { allowPrivateNetwork: true },
        },
        findConnector('salesforce').configSchema,
      );
      await connections.save(
        // nock answers every HubSpot call; allowing private networks skips the DNS check, which has no network here.
        {
          id: 'hubspot',
          kind: 'hubspot',
          name: 'HubSpot',
          config: { auth: { type: 'private_app', accessToken: hubspotToken } },
          options: { push: ['companies'], allowPrivateNetwork: true },
        },
        findConnector('hubspot').configSchema,
      );
    });
    afterEach(async () => {
      await test.stop();
      await sandbox.close();
      nock.cleanAll();
    });

    const syncAccounts = (full = false) =>
      runSync(test.hub, { connectionId: 'salesforce', stream: 'accounts', full });
    const settle = async () => {
      await test.hub.queue.whenIdle('changes');
      await test.hub.queue.whenIdle('write.hubspot');
    };

    it('upserts each account as a company on the hub id, links both ids, updates it by its HubSpot id and stays quiet when nothing changed', async () => {
      const hengda = sandbox.org.insert('Account', {
        Name: '宁波恒达汽车零部件有限公司',
        Phone: '+86 574 8765 4321',
        Website: 'hengda-parts.cn',
        BillingStreet: '江东北路 88 号',
        BillingCity: '宁波',
        BillingPostalCode: '315040',
        BillingCountry: 'China',
      });
      const harbor = sandbox.org.insert('Account', {
        Name: 'Harbor Precision Castings',
        Phone: '(313) 555-0147',
        Website: 'harborcastings.example.com',
        BillingStreet: '2400 Fort St',
        BillingCity: 'Detroit',
        BillingState: 'MI',
        BillingPostalCode: '48216',
        BillingCountry: 'United States',
      });
      const kessler = sandbox.org.insert('Account', {
        Name: 'Kessler Antriebstechnik GmbH',
        BillingCity: 'Stuttgart',
        BillingCountry: 'Germany',
      });

      const first = await syncAccounts();
      expect(first).toMatchObject({ status: 'succeeded', counts: { read: 3, created: 3, failed: 0 } });
      const hubIds = await canonicalIdsFor(test.hub.store.db, 'customer', 'salesforce', [
        hengda.Id,
        harbor.Id,
        kessler.Id,
      ]);
      const hubIdOf = (account: { Id: string }) => hubIds.get(account.Id)!;
      expect(hubIds.size).toBe(3);

      await eventually(() => hubspot.inputs().length >= 3, 20_000, 'three companies upserted in HubSpot');
      const input = (account: { Id: string }, version: number, properties: Record<string, unknown>) => ({
        idProperty: 'hub_id',
        id: hubIdOf(account),
        properties,
        objectWriteTraceId: `hubspot:companies:${hubIdOf(account)}:${version}`,
      });
      for (const request of hubspot.requests) expect(Object.keys(request)).toEqual(['inputs']);
      const byName = (a: UpsertInput, b: UpsertInput) =>
        String(a.properties.name).localeCompare(String(b.properties.name));
      expect([...hubspot.inputs()].sort(byName)).toEqual(
        [
          input(hengda, 1, {
            name: '宁波恒达汽车零部件有限公司',
            domain: 'hengda-parts.cn',
            phone: '+8657487654321',
            address: '江东北路 88 号',
            city: '宁波',
            zip: '315040',
            country: 'CN',
          }),
          input(harbor, 1, {
            name: 'Harbor Precision Castings',
            domain: 'harborcastings.example.com',
            phone: '+13135550147',
            address: '2400 Fort St',
            city: 'Detroit',
            state: 'MI',
            zip: '48216',
            country: 'US',
          }),
          input(kessler, 1, { name: 'Kessler Antriebstechnik GmbH', city: 'Stuttgart', country: 'DE' }),
        ].sort(byName),
      );

      for (const account of [hengda, harbor, kessler]) {
        const links = await eventually(
          async () => {
            const found = await xrefsOf(test.hub.store.db, hubIdOf(account));
            return found.length === 2 && found;
          },
          10_000,
          `xref of ${account.Id}`,
        );
        expect(links.map(({ connectionId, externalId }) => ({ connectionId, externalId }))).toEqual([
          { connectionId: 'hubspot', externalId: hubspot.companyIds.get(hubIdOf(account)) },
          { connectionId: 'salesforce', externalId: account.Id },
        ]);
      }

      sandbox.org.update('Account', harbor.Id, { Phone: '(313) 555-0199', BillingStreet: '2410 Fort St' });
      const second = await syncAccounts();
      expect(second.counts).toMatchObject({ read: 1, updated: 1, created: 0, failed: 0 });
      await eventually(
        () => hubspot.requests.length >= 2 && hubspot.inputs().length === 4,
        20_000,
        'second upsert',
      );
      // HubSpot's id is known by now: the company is updated by it, with the hub id filled in.
      expect(hubspot.requests.at(-1)).toEqual({
        inputs: [
          {
            id: hubspot.companyIds.get(hubIdOf(harbor)),
            properties: {
              name: 'Harbor Precision Castings',
              domain: 'harborcastings.example.com',
              phone: '+13135550199',
              address: '2410 Fort St',
              city: 'Detroit',
              state: 'MI',
              zip: '48216',
              country: 'US',
              hub_id: hubIdOf(harbor),
            },
            objectWriteTraceId: `hubspot:companies:${hubIdOf(harbor)}:2`,
          },
        ],
      });
      expect(
        (await xrefsOf(test.hub.store.db, hubIdOf(harbor))).find((link) => link.connectionId === 'hubspot')
          ?.externalId,
      ).toBe(hubspot.companyIds.get(hubIdOf(harbor)));

      await settle();
      const sent = hubspot.requests.length;
      const outboxBefore = await countRows('outbox');
      expect((await syncAccounts()).counts).toMatchObject({ read: 0, created: 0, updated: 0, failed: 0 });
      // A full re-read brings every account back; none of them is news.
      const full = await syncAccounts(true);
      expect(full.counts).toMatchObject({ read: 3, unchanged: 3, created: 0, updated: 0, failed: 0 });
      expect(await countRows('outbox')).toBe(outboxBefore);
      await settle();
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(hubspot.requests.length).toBe(sent);
      expect(await countRows('xref')).toBe(6);
      // Salesforce does not push: nothing was written back to the source.
      expect(sandbox.org.rows('Account', false).filter((account) => account.Hub_Id__c !== undefined)).toEqual(
        [],
      );
    });

    async function countRows(table: 'outbox' | 'xref'): Promise<number> {
      const { rows } = await test.hub.store.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM ${table}`,
      );
      return rows[0]!.n;
    }
  },
);
