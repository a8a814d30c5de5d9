import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { secret } from '../../core/connector/define.ts';
import type { Store } from '../../core/store/index.ts';
import { changeLogOf, getGolden } from '../../core/store/repos/golden.ts';
import { writeMasterData } from '../../core/store/repos/master-data.ts';
import { linkXrefs } from '../../core/store/repos/xref.ts';
import { storeDrivers } from '../support/drivers.ts';

const configSchema = z.object({
  baseUrl: z.string().url(),
  auth: z.object({ user: z.string(), apiKey: secret() }),
});

describe.each(storeDrivers())('store on $name', (driver) => {
  let store: Store;
  beforeAll(async () => {
    store = await driver.open();
  });
  afterAll(async () => {
    await store.close();
  });

  const write = (externalId: string, mapped: Record<string, unknown>) =>
    store.db.transaction((tx) =>
      writeMasterData(tx, {
        entity: 'customer',
        connectionId: 'crm',
        stream: 'accounts',
        records: [{ externalId, raw: { Id: externalId }, mapped }],
      }),
    );

  it('counts the rows of a SELECT, of an UPDATE and of a RETURNING the same on every driver', async () => {
    const select = await store.db.query('SELECT n FROM generate_series(1, 3) AS n');
    expect(select.rowCount).toBe(3);
    await store.db.exec('CREATE TABLE row_counts (n int)');
    await store.db.exec('INSERT INTO row_counts SELECT generate_series(1, 4)');
    expect((await store.db.query('UPDATE row_counts SET n = n + 1 WHERE n > 1')).rowCount).toBe(3);
    expect((await store.db.query('DELETE FROM row_counts WHERE n > 3 RETURNING n')).rowCount).toBe(2);
    expect((await store.db.query('SELECT n FROM row_counts WHERE n > 100')).rowCount).toBe(0);
    await store.db.exec('DROP TABLE row_counts');
  });

  it('creates a golden record at version 1 and bumps the version on change only', async () => {
    const [created] = await write('001A', { name: 'Ningbo Hengda Auto Parts' });
    expect(created).toMatchObject({ outcome: 'created', version: 1 });
    const [unchanged] = await write('001A', { name: 'Ningbo Hengda Auto Parts' });
    expect(unchanged).toMatchObject({ outcome: 'unchanged', version: 1, canonicalId: created!.canonicalId });
    const [updated] = await write('001A', { name: 'Ningbo Hengda Auto Parts Co.', phone: '+8657487654321' });
    expect(updated).toMatchObject({ outcome: 'updated', version: 2, changedFields: ['name', 'phone'] });
    const golden = await getGolden(store.db, created!.canonicalId);
    expect(golden?.version).toBe(2);
    expect(golden?.body.phone).toBe('+8657487654321');
    expect(golden?.lineage).toHaveProperty('phone.connectionId', 'crm');
  });

  it('keeps the change log in order and refuses to rewrite it', async () => {
    const [first] = await write('002B', { name: 'A' });
    await write('002B', { name: 'B' });
    await write('002B', { name: 'C' });
    const log = await changeLogOf(store.db, first!.canonicalId);
    expect(log.map((entry) => [entry.version, entry.body?.name])).toEqual([
      [1, 'A'],
      [2, 'B'],
      [3, 'C'],
    ]);
    expect(log[0]!.seq).toBeLessThan(log[1]!.seq);
    await expect(store.db.query('DELETE FROM change_log')).rejects.toThrow(/append-only/);
    const outbox = await store.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM outbox, jsonb_array_elements(payload->'changes') AS change WHERE change->>'canonicalId' = $1`,
      [first!.canonicalId],
    );
    expect(outbox.rows[0]!.n).toBe(3);
  });

  it('gives a clear error on a conflicting xref and writes nothing', async () => {
    const [record] = await write('003C', { name: 'X' });
    const other = '00000000-0000-4000-8000-000000000001';
    await expect(
      linkXrefs(store.db, [
        { entity: 'customer', canonicalId: other, connectionId: 'crm', externalId: '003C' },
      ]),
    ).rejects.toThrow(`customer 003C in connection crm is already linked to ${record!.canonicalId}`);
    await expect(
      linkXrefs(store.db, [
        { entity: 'customer', canonicalId: other, connectionId: 'erp', externalId: 'E-1' },
        { entity: 'customer', canonicalId: record!.canonicalId, connectionId: 'crm', externalId: '999Z' },
      ]),
    ).rejects.toThrow(/already has id 003C in connection crm/);
    // Not even the batch's links that were fine on their own.
    const { rows } = await store.db.query('SELECT * FROM xref WHERE external_id = ANY($1::text[])', [
      ['999Z', 'E-1'],
    ]);
    expect(rows).toHaveLength(0);
  });

  it('refuses a batch whose own links conflict, and writes none of them', async () => {
    const first = '00000000-0000-4000-8000-000000000002';
    const second = '00000000-0000-4000-8000-000000000003';
    await expect(
      linkXrefs(store.db, [
        { entity: 'customer', canonicalId: first, connectionId: 'erp', externalId: 'E-7' },
        { entity: 'customer', canonicalId: second, connectionId: 'erp', externalId: 'E-7' },
      ]),
    ).rejects.toThrow(
      `customer E-7 in connection erp is already linked to ${first}, cannot link it to ${second}`,
    );
    const { rows } = await store.db.query('SELECT * FROM xref WHERE external_id = $1', ['E-7']);
    expect(rows).toHaveLength(0);
    // The same pair twice, or again later, is no conflict.
    const link = { entity: 'customer', canonicalId: first, connectionId: 'erp', externalId: 'E-7' };
    await linkXrefs(store.db, [link, link]);
    await linkXrefs(store.db, [link]);
    const again = await store.db.query('SELECT * FROM xref WHERE external_id = $1', ['E-7']);
    expect(again.rows).toHaveLength(1);
  });

  it('stores connection secrets encrypted and gives them back decrypted', async () => {
    const apiKey = 'sk-live-5f1e2d3c4b5a69788796a5b4';
    await store.connections.save(
      {
        id: 'erp',
        kind: 'odoo',
        name: 'ERP',
        config: { baseUrl: 'https://erp.example.com', auth: { user: 'hub', apiKey } },
      },
      configSchema,
    );
    const { rows } = await store.db.query<{ dump: string }>(
      `SELECT row_to_json(c)::text AS dump FROM connections c WHERE id = 'erp'`,
    );
    expect(rows[0]!.dump).not.toContain(apiKey);
    expect(rows[0]!.dump).toContain('v1:');
    const connection = await store.connections.get('erp');
    expect(connection.config).toEqual({ baseUrl: 'https://erp.example.com', auth: { user: 'hub', apiKey } });
    const [view] = await store.connections.list();
    expect(JSON.stringify(view)).not.toContain(apiKey);
    expect(view!.secretFields).toEqual(['auth.apiKey']);
  });

  it('rejects an invalid connection config naming the field', async () => {
    await expect(
      store.connections.save(
        {
          id: 'bad',
          kind: 'odoo',
          name: 'Bad',
          config: { baseUrl: 'not a url', auth: { user: 'u', apiKey: 'k123' } },
        },
        configSchema,
      ),
    ).rejects.toThrow(/config\.baseUrl/);
  });
});
