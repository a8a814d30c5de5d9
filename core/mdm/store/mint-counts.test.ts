import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openPostgresStore } from '../../../tests/support/drivers.ts';
import type { Store } from '../../store/index.ts';
import { type IncomingRecord, writeMasterData } from '../../store/repos/master-data.ts';
import { createMasterDataMatcher } from '../service/matcher.ts';

const databaseUrl = process.env.DATABASE_URL;
const TAX_ID = '91350100M000100Y43';

const record = (externalId: string, name: string): IncomingRecord => ({
  externalId,
  raw: { externalId, name },
  mapped: { active: true, name, taxId: TAX_ID },
});

/** Two connections' first syncs, at the same moment, bring the same company. */
describe.skipIf(!databaseUrl)('pages of two connections creating golden records at once', () => {
  let store: Store;
  beforeEach(async () => {
    store = await openPostgresStore(databaseUrl!);
  });
  afterEach(async () => store?.close());

  const commit = (connectionId: string, records: IncomingRecord[], beforeCommit?: () => Promise<void>) =>
    store.db.transaction(async (tx) => {
      const written = await writeMasterData(tx, {
        entity: 'customer',
        connectionId,
        stream: 'customers',
        records,
        match: createMasterDataMatcher(tx, 'customer', { connectionId }),
      });
      await beforeCommit?.();
      return written;
    });

  async function settledOrWaitingForLock(page: Promise<unknown>): Promise<void> {
    let settled = false;
    void page.finally(() => {
      settled = true;
    });
    for (;;) {
      const { rows } = await store.db.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted",
      );
      if (settled || rows[0]!.n > 0) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  it('take turns, so the later one joins the golden record the earlier one created', async () => {
    let written!: () => void;
    let commitFirst!: () => void;
    const firstWritten = new Promise<void>((resolve) => {
      written = resolve;
    });
    const first = commit('crm', [record('C-1', 'Ningbo Hengda Auto Parts')], async () => {
      written();
      await new Promise<void>((resolve) => {
        commitFirst = resolve;
      });
    });
    await firstWritten;
    const second = commit('erp', [record('E-1', 'Ningbo Hengda Auto Parts Co.')]);
    await settledOrWaitingForLock(second);
    commitFirst();
    const [[crm], [erp]] = await Promise.all([first, second]);
    expect(erp!.canonicalId).toBe(crm!.canonicalId);
  });
});
