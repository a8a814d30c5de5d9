import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectTwoSystems } from '../../../tests/integration/mdm-fixture.ts';
import { openPostgresStore, type StoreDriver, storeDrivers } from '../../../tests/support/drivers.ts';
import { lockWaiter } from '../../../tests/support/lock-waiter.ts';
import { startTestHub, type TestHub } from '../../../tests/support/test-hub.ts';
import { createMemoryQueue } from '../../queue/memory-driver.ts';
import { changeLogOf, getGolden } from '../../store/repos/golden.ts';
import { writeMasterData } from '../../store/repos/master-data.ts';

const databaseUrl = process.env.DATABASE_URL;

/** A page of one connection's customers: `mapped` writes the record, without it the record is deleted. */
const page = (connectionId: string, externalId: string, mapped?: Record<string, unknown>) => ({
  entity: 'customer' as const,
  connectionId,
  stream: 'customers',
  records: mapped ? [{ externalId, raw: mapped, mapped }] : [],
  deletedExternalIds: mapped ? [] : [externalId],
});

function deletesOn(open: StoreDriver['open']) {
  let test: TestHub;
  beforeEach(async () => {
    test = await startTestHub({ store: await open(), queue: createMemoryQueue(), workers: false });
    await connectTwoSystems(test.hub);
  });
  afterEach(async () => {
    await test.stop();
  });
  const db = () => test.hub.store.db;
  /** One golden customer held by both connections. */
  async function heldByBoth(): Promise<string> {
    const [created] = await db().transaction((tx) =>
      writeMasterData(tx, page('crm', 'C-1', { name: 'Acme Tools', phone: '+86 574 8765 4321' })),
    );
    const id = created!.canonicalId;
    await db().query(
      `INSERT INTO xref (entity, canonical_id, connection_id, external_id) VALUES ('customer', $1, 'erp', 'E-1')`,
      [id],
    );
    await db().transaction((tx) => writeMasterData(tx, page('erp', 'E-1', { name: 'Acme Tools Ltd' })));
    return id;
  }
  const indexedKeys = async (id: string) =>
    (
      await db().query<{ n: number }>(
        'SELECT count(*)::int AS n FROM mdm_blocking_keys WHERE canonical_id = $1',
        [id],
      )
    ).rows[0]!.n;
  return { db: () => db(), heldByBoth, indexedKeys };
}

describe.each(storeDrivers())('a source delete on $name', (driver) => {
  const { db, heldByBoth, indexedKeys } = deletesOn(driver.open);

  it('deletes the golden record its last source leaves, logs it and takes it out of the matching index', async () => {
    const id = await heldByBoth();
    expect(await indexedKeys(id)).toBeGreaterThan(0);
    await db().transaction((tx) => writeMasterData(tx, page('crm', 'C-1')));
    expect(await indexedKeys(id)).toBeGreaterThan(0);
    const [deleted] = await db().transaction((tx) => writeMasterData(tx, page('erp', 'E-1')));
    const golden = (await getGolden(db(), id))!;
    expect(golden.deleted).toBe(true);
    expect(deleted).toMatchObject({ outcome: 'deleted', canonicalId: id, version: golden.version });
    expect((await changeLogOf(db(), id)).at(-1)).toMatchObject({
      operation: 'delete',
      version: golden.version,
      sourceSystem: 'erp',
    });
    expect(await indexedKeys(id)).toBe(0);
  });
});

describe.skipIf(!databaseUrl)('two connections deleting the two sources of one golden record at once', () => {
  const { db, heldByBoth, indexedKeys } = deletesOn(() => openPostgresStore(databaseUrl!));

  it('leave it deleted, once, with its delete logged', async () => {
    const id = await heldByBoth();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let firstWrote!: () => void;
    const wrote = new Promise<void>((resolve) => {
      firstWrote = resolve;
    });
    // The CRM's delete holds its transaction open until the ERP's waits for the golden record.
    const first = db().transaction(async (tx) => {
      await writeMasterData(tx, page('crm', 'C-1'));
      firstWrote();
      await gate;
    });
    await wrote;
    const second = db().transaction((tx) => writeMasterData(tx, page('erp', 'E-1')));
    await lockWaiter(databaseUrl!, 'the second delete never waited for the first');
    release();
    await Promise.all([first, second]);

    const golden = (await getGolden(db(), id))!;
    expect(golden.deleted).toBe(true);
    const log = await changeLogOf(db(), id);
    expect(log.map((entry) => entry.operation)).toEqual(['create', 'update', 'update', 'delete']);
    expect(log.at(-1)).toMatchObject({ version: golden.version, sourceSystem: 'erp' });
    expect(await indexedKeys(id)).toBe(0);
  });
});
