import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { connectCrmAndErp } from '../../../tests/integration/flow-fixture.ts';
import { storeDrivers, tableCounts } from '../../../tests/support/drivers.ts';
import { type MemorySystem, memoryConnector } from '../../../tests/support/memory-system.ts';
import { startTestHub, type TestHub } from '../../../tests/support/test-hub.ts';
import { HubError } from '../../errors/index.ts';
import { createMemoryQueue } from '../../queue/memory-driver.ts';
import { recordFailure } from '../../sync/failures.ts';
import { saveMappingOverride } from '../../sync/mapping-source.ts';
import { runSync } from '../../sync/run-sync.ts';
import { startRun } from '../../sync/runs.ts';
import { saveSchedule } from '../../sync/schedules.ts';
import { acquireStreamLease } from '../../sync/stream-lock.ts';
import * as leftoversMigration from '../migrations/0013-deleted-connection-leftovers.ts';
import { createConnectionState } from './connection-state.ts';
import { connectionLeftoverStatements, createConnectionsRepo } from './connections.ts';

// Deleting a connection takes its operational state along (a connection created again under the
// same id, often for another system, must start from scratch), and reaches no other system.

const perConnection = [
  'sync_state',
  'mapping_versions',
  'schedules',
  'stream_locks',
  'connection_state',
  'pending_refs',
  'webhook_events',
  'outbound_writes',
  'last_written',
  'xref',
  'source_records',
];

describe.each(storeDrivers())('deleting a connection on $name', (driver) => {
  let test: TestHub;
  let crm: MemorySystem;
  let erp: MemorySystem;
  beforeEach(async () => {
    test = await startTestHub({ store: await driver.open(), queue: createMemoryQueue(), workers: false });
    ({ crm, erp } = await connectCrmAndErp(test.hub, 'delete'));
  });
  afterEach(async () => {
    await test.stop();
  });

  const db = () => test.hub.store.db;
  const rowsOf = async (table: string, connectionId: string) =>
    (
      await db().query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE connection_id = $1`, [
        connectionId,
      ])
    ).rows[0]!.n;
  const goldenBodies = async () =>
    (await db().query('SELECT id, version, body, deleted FROM golden_records ORDER BY id')).rows;

  /** What the ERP's writes, webhooks and parked records leave, and the lease of a run whose worker died. */
  async function leaveWriteState(connectionId: string) {
    const canonicalId = '00000000-0000-4000-8000-000000000001';
    const statements = [
      `INSERT INTO outbound_writes (idempotency_key, connection_id, stream, canonical_id, version, content_hash, status)
       VALUES ($1 || ':key', $1, 'customers', '${canonicalId}', 1, 'h', 'done')`,
      `INSERT INTO last_written (connection_id, stream, external_id, canonical_id, version, body, content_hash)
       VALUES ($1, 'customers', 'E-9', '${canonicalId}', 1, '{}', 'h')`,
      `INSERT INTO webhook_events (connection_id, event_id, processed_at) VALUES ($1, 'evt-1', now())`,
      `INSERT INTO pending_refs (id, connection_id, stream, external_id, ref_entity, ref_key, field_path, raw)
       VALUES (gen_random_uuid(), $1, 'contacts', 'K-1', 'customer', 'E-404', 'customerId', '{}')`,
      `INSERT INTO stream_locks (connection_id, stream, owner, expires_at) VALUES ($1, 'contacts', 'gone', now() - interval '1 hour')`,
    ];
    for (const statement of statements) await db().query(statement, [connectionId]);
  }

  /** Both connections synced, the ERP with a mapping override, a schedule, state and an open failure. */
  async function syncBoth() {
    crm.put('customers', { id: 'C-1', name: 'Hengda Auto Parts', email: 'buy@hengda.example' });
    erp.put('customers', { id: 'E-1', name: 'Shanghai Axles', email: 'po@axles.example' });
    erp.put('customers', { id: 'E-2', name: 'Ningbo Gears', email: 'po@gears.example' });
    const erpConnection = { id: 'erp', kind: 'memory' };
    await saveMappingOverride(
      db(),
      erpConnection,
      'customers',
      'in',
      'description: erp\n',
      'test',
      test.hub.mappingsRoot,
    );
    await runSync(test.hub, { connectionId: 'crm', stream: 'customers' });
    await runSync(test.hub, { connectionId: 'erp', stream: 'customers' });
    await saveSchedule(db(), {
      connectionId: 'erp',
      stream: 'customers',
      cron: '*/5 * * * *',
      enabled: true,
    });
    await createConnectionState(db(), test.hub.store.box, 'erp').set('memory.session', {
      accessToken: 'erp-session',
    });
    await recordFailure(db(), {
      connectionId: 'erp',
      stream: 'customers',
      direction: 'in',
      externalId: 'E-3',
      rawPayload: { id: 'E-3' },
      error: new HubError('invalid_data', 'required', 'name is required', { fieldPath: 'name' }),
    });
  }

  it('removes its operational state, links and source copies, and nothing of the other connection', async () => {
    await syncBoth();
    await leaveWriteState('erp');
    for (const table of perConnection) expect(await rowsOf(table, 'erp'), table).toBeGreaterThan(0);
    const crmRows = Object.fromEntries(
      await Promise.all(perConnection.map(async (table) => [table, await rowsOf(table, 'crm')] as const)),
    );
    const before = await tableCounts(test.hub.store);
    const bodies = await goldenBodies();

    await test.hub.store.connections.remove('erp');

    for (const table of perConnection) expect(await rowsOf(table, 'erp'), table).toBe(0);
    for (const table of perConnection) expect(await rowsOf(table, 'crm'), table).toBe(crmRows[table]);
    const after = await tableCounts(test.hub.store);
    // Nothing is sent anywhere: golden records keep their bodies, and no change is logged or queued.
    expect(await goldenBodies()).toEqual(bodies);
    for (const table of ['golden_records', 'change_log', 'outbox', 'sync_runs', 'failed_syncs'])
      expect(after[table], table).toBe(before[table]);
    await expect(test.hub.store.connections.get('erp')).rejects.toMatchObject({
      code: 'connection_not_found',
    });
  });

  it('keeps its failures as history, resolved, so that none is replayed into a new connection', async () => {
    await syncBoth();
    await test.hub.store.connections.remove('erp');
    const { rows } = await db().query<{ state: string; message: string }>(
      `SELECT state, message FROM failed_syncs WHERE connection_id = 'erp'`,
    );
    expect(rows).toEqual([
      { state: 'resolved', message: 'The connection was deleted. The failure was: name is required' },
    ]);
  });

  it('refuses while a run of it is syncing, naming the run, and deletes nothing', async () => {
    await syncBoth();
    const lease = await acquireStreamLease(db(), 'erp', 'customers');
    try {
      const runId = await startRun(db(), { connectionId: 'erp', stream: 'customers', mode: 'incremental' });
      const refused = await test.hub.store.connections.remove('erp').catch((error: unknown) => error);
      expect(refused).toMatchObject({
        kind: 'conflict',
        code: 'connection_syncing',
        message: `Connection "erp" is syncing customers (run ${runId}); delete it once the run has ended`,
      });
      expect(await rowsOf('sync_state', 'erp')).toBe(1);
      expect((await test.hub.store.connections.get('erp')).id).toBe('erp');
    } finally {
      await lease.release();
    }
    await test.hub.store.connections.remove('erp');
    expect(await rowsOf('sync_state', 'erp')).toBe(0);
  });

  it('has the leftovers of connections deleted before this removed by migration 0013', async () => {
    await syncBoth();
    await leaveWriteState('erp');
    // As an earlier delete left them: the connection row gone, its state behind.
    await db().query(`DELETE FROM connections WHERE id = 'erp'`);
    const crmRows = await Promise.all(perConnection.map((table) => rowsOf(table, 'crm')));
    await db().exec(leftoversMigration.up);
    for (const table of perConnection) expect(await rowsOf(table, 'erp'), table).toBe(0);
    expect(await Promise.all(perConnection.map((table) => rowsOf(table, 'crm')))).toEqual(crmRows);
  });

  it.runIf(driver.name === 'postgres')(
    "finds its links through an index instead of reading every connection's",
    async () => {
      await db().query(`INSERT INTO xref (entity, canonical_id, connection_id, external_id)
        SELECT 'customer', gen_random_uuid(), 'plant-' || (g % 50), 'X' || g FROM generate_series(1, 100000) g`);
      await db().query('ANALYZE xref');
      const [deleteLinks] = connectionLeftoverStatements('connection_id = $1').filter((statement) =>
        statement.startsWith('DELETE FROM xref '),
      );
      const { rows } = await db().query<{ 'QUERY PLAN': string }>(`EXPLAIN ${deleteLinks}`, ['plant-7']);
      const plan = rows.map((row) => row['QUERY PLAN']).join('\n');
      expect(plan).not.toMatch(/Seq Scan on xref/);
      expect(plan).toContain('xref_connection');
    },
    60_000,
  );

  it('is not held up by the lease of a run whose worker died', async () => {
    await syncBoth();
    await startRun(db(), { connectionId: 'erp', stream: 'customers', mode: 'incremental' });
    await db().query(
      `INSERT INTO stream_locks (connection_id, stream, owner, expires_at, grace_ms)
       VALUES ('erp', 'customers', 'a dead worker', now() - interval '1 minute', 10000)`,
    );
    await test.hub.store.connections.remove('erp');
    expect(await rowsOf('stream_locks', 'erp')).toBe(0);
  });
});

describe.each(storeDrivers())('listing connections without their secrets on $name', (driver) => {
  it('gives what list() gives but the config, in the same order, opening no secret', async () => {
    const store = await driver.open();
    try {
      for (const [id, name] of [
        ['erp', 'Plant ERP'],
        ['crm', 'Field CRM'],
      ] as const)
        await store.connections.save(
          {
            id,
            kind: 'memory',
            name,
            config: { system: `summary-${id}`, webhookSecret: `secret-of-${id}` },
            options: { push: ['customers'], concurrency: 3 },
          },
          memoryConnector.configSchema,
        );
      await store.connections.setStatus('erp', 'disabled', 'paused by an operator');
      const opened = vi.spyOn(store.box, 'open');
      const summaries = await store.connections.listSummaries();
      expect(opened).not.toHaveBeenCalled();
      opened.mockRestore();
      const views = await store.connections.list();
      expect(summaries).toEqual(
        views.map(({ id, kind, name, options, status, updatedAt }) => ({
          id,
          kind,
          name,
          options,
          status,
          updatedAt,
        })),
      );
      expect(summaries.map((summary) => summary.id)).toEqual(['crm', 'erp']);
      expect(JSON.stringify(summaries)).not.toContain('secret-of-');
    } finally {
      await store.close();
    }
  });
});

describe.each(storeDrivers())('the cached listing of connections on $name', (driver) => {
  const saveWithSecret = (
    connections: ReturnType<typeof createConnectionsRepo>,
    id: string,
    secret: string,
  ) =>
    connections.save(
      { id, kind: 'memory', name: id, config: { system: `cached-${id}`, webhookSecret: secret } },
      memoryConnector.configSchema,
    );
  const listedAfterExpiry = async (connections: ReturnType<typeof createConnectionsRepo>) => {
    await new Promise((resolve) => setTimeout(resolve, 3));
    const listed = await connections.listCached();
    return Object.fromEntries(
      listed.map((c) => [c.id, { status: c.status, secret: c.config.webhookSecret }]),
    );
  };

  it('opens the secrets of a connection again only once new ones are saved', async () => {
    const store = await driver.open();
    try {
      const connections = createConnectionsRepo(store.db, store.box, 1);
      await saveWithSecret(connections, 'crm', 'secret-of-crm');
      await saveWithSecret(connections, 'erp', 'secret-of-erp');
      const opened = vi.spyOn(store.box, 'open');
      expect(await listedAfterExpiry(connections)).toEqual({
        crm: { status: 'active', secret: 'secret-of-crm' },
        erp: { status: 'active', secret: 'secret-of-erp' },
      });
      expect(opened).toHaveBeenCalledTimes(2);
      for (let listing = 0; listing < 3; listing++) await listedAfterExpiry(connections);
      await connections.pause('erp', 'ERP maintenance');
      expect((await listedAfterExpiry(connections)).erp).toEqual({
        status: 'disabled',
        secret: 'secret-of-erp',
      });
      expect(opened, 'secrets opened again with nothing new saved').toHaveBeenCalledTimes(2);

      // Saved and deleted by another process: what the table says is what counts.
      await saveWithSecret(store.connections, 'erp', 'rotated-secret-of-erp');
      await store.connections.remove('crm');
      opened.mockClear();
      expect(await listedAfterExpiry(connections)).toEqual({
        erp: { status: 'disabled', secret: 'rotated-secret-of-erp' },
      });
      expect(opened).toHaveBeenCalledTimes(1);
    } finally {
      await store.close();
    }
  });
});
