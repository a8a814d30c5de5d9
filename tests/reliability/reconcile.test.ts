import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { reconcile, summarizeReconcile } from '../../core/sync/reconcile.ts';
import { runSync } from '../../core/sync/run-sync.ts';
import { queueDrivers, storeDrivers } from '../support/drivers.ts';
import { memoryConnector, memorySystem } from '../support/memory-system.ts';
import { eventually, hubDriverPairs, startTestHub, type TestHub } from '../support/test-hub.ts';

let suffix = 0;

describe.each(hubDriverPairs(storeDrivers(), queueDrivers()))('reconcile on $label', ({ store, queue }) => {
  let test: TestHub;
  let crmName: string;
  let erpName: string;
  beforeEach(async () => {
    test = await startTestHub({ store: await store.open(), queue: queue.open() });
    suffix++;
    crmName = `crm-rec-${suffix}-${Date.now()}`;
    erpName = `erp-rec-${suffix}-${Date.now()}`;
    await test.hub.store.connections.save(
      { id: 'crm', kind: 'memory', name: 'CRM', config: { system: crmName } },
      memoryConnector.configSchema,
    );
    await test.hub.store.connections.save(
      {
        id: 'erp',
        kind: 'memory',
        name: 'ERP',
        config: { system: erpName },
        options: { push: ['customers'] },
      },
      memoryConnector.configSchema,
    );
    const crm = memorySystem(crmName);
    for (let n = 1; n <= 5; n++)
      crm.put('customers', { id: `C${n}`, name: `Customer ${n}`, email: `c${n}@example.com` });
    await runSync(test.hub, { connectionId: 'crm', stream: 'customers' });
    await eventually(
      () => memorySystem(erpName).list('customers').length === 5,
      15_000,
      'five customers pushed to the ERP',
    );
    await eventually(
      async () => (await reconcile(test.hub, 'erp', 'customers')).ok,
      10_000,
      'ERP reconciled',
    );
  });
  afterEach(async () => {
    await test.stop();
  });

  it('reconciles a synced source and its pushed target', async () => {
    const source = await reconcile(test.hub, 'crm', 'customers');
    expect(source).toMatchObject({
      ok: true,
      counts: { source: 5, hubSourceRecords: 5, golden: 5 },
      missing: [],
      extra: [],
      different: [],
    });
    const target = await reconcile(test.hub, 'erp', 'customers');
    expect(target).toMatchObject({
      ok: true,
      counts: { source: null, target: 5, golden: 5, lastWritten: 5 },
    });
    expect(summarizeReconcile(target)).toMatch(/0 missing, 0 extra, 0 different.*\nreconciled$/s);
  });

  it('finds source records the hub lacks, holds stale or holds no longer', async () => {
    const crm = memorySystem(crmName);
    crm.put('customers', { id: 'C6', name: 'Customer 6' });
    crm.put('customers', { id: 'C2', name: 'Customer 2 renamed' });
    crm.remove('customers', 'C3');
    const report = await reconcile(test.hub, 'crm', 'customers');
    expect(report.ok).toBe(false);
    expect(report.missing).toEqual([expect.objectContaining({ side: 'hub', externalId: 'C6' })]);
    expect(report.different).toEqual([
      expect.objectContaining({ side: 'hub', externalId: 'C2', reason: 'content differs from the source' }),
    ]);
    expect(report.extra).toEqual([expect.objectContaining({ side: 'hub', externalId: 'C3' })]);
  });

  it('finds target records that vanished, were duplicated or were changed behind the hub', async () => {
    const erp = memorySystem(erpName);
    const [first, second, third] = erp.list('customers');
    erp.remove('customers', first!.id);
    erp.put('customers', { ...second!, id: 'DUP-1', seq: undefined });
    erp.put('customers', { id: third!.id, name: 'Edited in the ERP' });
    const report = await reconcile(test.hub, 'erp', 'customers');
    expect(report.ok).toBe(false);
    expect(report.missing).toEqual([
      expect.objectContaining({
        side: 'target',
        externalId: first!.id,
        reason: 'linked, but not in the target',
      }),
    ]);
    expect(report.extra).toEqual([expect.objectContaining({ side: 'target', externalId: 'DUP-1' })]);
    expect(report.different).toEqual([expect.objectContaining({ side: 'target', externalId: third!.id })]);
  });

  it('counts a record in failed_syncs as accounted for, not missing', async () => {
    memorySystem(crmName).put('customers', { id: 'C9', email: 'no-name@example.com' });
    await runSync(test.hub, { connectionId: 'crm', stream: 'customers' });
    const report = await reconcile(test.hub, 'crm', 'customers');
    expect(report).toMatchObject({
      ok: true,
      counts: { source: 6, failed: 1 },
      failed: [expect.objectContaining({ externalId: 'C9', reason: 'in failed_syncs' })],
    });
  });
});
