import { afterEach, describe, expect, it } from 'vitest';
import { rest } from '../../connectors/rest/index.ts';
import type { Connector, WriteOp, WriteResult } from '../../core/connector/types.ts';
import type { HubError } from '../../core/errors/index.ts';
import { createMemoryQueue } from '../../core/queue/memory-driver.ts';
import { resetCircuits } from '../../core/sync/circuit.ts';
import { processInboundPage } from '../../core/sync/inbound.ts';
import { handleWriteJob } from '../../core/sync/outbound.ts';
import { inboundStreamFor, runSync } from '../../core/sync/run-sync.ts';
import { writeQueueName } from '../../core/sync/write-targets.ts';
import { openEmbeddedStore } from '../support/drivers.ts';
import { type HttpTarget, restTargetConfig, startHttpTarget } from '../support/http-target.ts';
import { memoryConnector, memorySystem } from '../support/memory-system.ts';
import { eventually, startTestHub, type TestHub } from '../support/test-hub.ts';

// What goes wrong around a write that the target took: the rest of its batch, the job's retries
// and the failures filed must all tell the truth about what reached the target.

let run = 0;
let test: TestHub | undefined;
let target: HttpTarget | undefined;
afterEach(async () => {
  await test?.stop();
  await target?.close();
  test = undefined;
  target = undefined;
  resetCircuits();
});

type WriteHook = (ops: WriteOp[], write: () => Promise<WriteResult[]>) => Promise<WriteResult[]>;

/** The memory connector, with the target system's writes passed through `hook`. */
function hookedMemory(targetSystem: string, hook: WriteHook): Connector<unknown> {
  const base = memoryConnector as Connector<unknown>;
  return {
    ...base,
    async write(ctx, stream, ops) {
      const system = (ctx.config as { system: string }).system;
      if (system !== targetSystem) return base.write!(ctx, stream, ops);
      return hook(ops, () => base.write!(ctx, stream, ops));
    },
  } as Connector<unknown>;
}

async function memoryHub(hook: WriteHook, workers: boolean, more: Connector<unknown>[] = []) {
  run += 1;
  const source = `faults-src-${run}-${Date.now()}`;
  const sink = `faults-dst-${run}-${Date.now()}`;
  test = await startTestHub({
    store: await openEmbeddedStore(),
    queue: createMemoryQueue(),
    connectors: [hookedMemory(sink, hook), ...more],
    workers,
  });
  const { connections } = test.hub.store;
  await connections.save(
    { id: 'crm', kind: 'memory', name: 'CRM', config: { system: source } },
    memoryConnector.configSchema,
  );
  await connections.save(
    { id: 'erp', kind: 'memory', name: 'ERP', config: { system: sink } },
    memoryConnector.configSchema,
  );
  return { hub: test.hub, source: memorySystem(source), sink: memorySystem(sink) };
}

/** A hub whose memory source pushes customers to a REST target served by the test. */
async function restHub(timeoutMs: number, workers: boolean, options: Record<string, unknown> = {}) {
  target = await startHttpTarget();
  const { hub, source } = await memoryHub(async (_ops, write) => write(), workers, [
    rest as Connector<unknown>,
  ]);
  await hub.store.connections.save(
    {
      id: 'tgt',
      kind: 'rest',
      name: 'Target',
      config: restTargetConfig(target.url, timeoutMs),
      options: { push: ['customers'], allowPrivateNetwork: true, ...options },
    },
    rest.configSchema as Connector<unknown>['configSchema'],
  );
  return { hub, source, target };
}

async function itemOf(externalId: string) {
  const { rows } = await test!.hub.store.db.query<{ canonicalId: string; version: number }>(
    `SELECT g.id::text AS "canonicalId", g.version FROM xref x JOIN golden_records g ON g.id = x.canonical_id
     WHERE x.connection_id = 'crm' AND x.external_id = $1`,
    [externalId],
  );
  return rows[0]!;
}

const count = async (sql: string, params: unknown[] = []) =>
  (await test!.hub.store.db.query<{ n: number }>(sql, params)).rows[0]!.n;

const outcomeOf = (promise: Promise<void>) =>
  promise.then(
    () => 'ok',
    (error: HubError) => error.code,
  );

describe('outbound writes under faults', () => {
  it('files a failure only for the records of a failed job that were not written', async () => {
    const { hub, source } = await memoryHub(async (ops, write) => {
      const results = await write();
      return results.map((result, index) =>
        String(ops[index]!.record.name).startsWith('Flaky')
          ? {
              ok: false,
              idempotencyKey: result.idempotencyKey,
              error: { kind: 'transient', code: 'http_503', message: 'Service Unavailable' },
            }
          : result,
      );
    }, true);
    source.put('customers', { id: 'GOOD', name: 'Good Customer Ltd' });
    source.put('customers', { id: 'FLAKY', name: 'Flaky Customer Ltd' });
    await runSync(hub, { connectionId: 'crm', stream: 'customers' });
    const [good, flaky] = [await itemOf('GOOD'), await itemOf('FLAKY')];
    // The write worker of a new connection starts within its refresh interval.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    await hub.queue.add(
      writeQueueName('erp'),
      'write',
      {
        connectionId: 'erp',
        stream: 'customers',
        items: [good, flaky],
      },
      { attempts: 2 },
    );
    await eventually(async () => (await hub.queue.counts(writeQueueName('erp'))).failed === 1, 20_000);
    const { rows } = await hub.store.db.query<{ canonical_id: string; state: string }>(
      `SELECT canonical_id::text, state FROM failed_syncs WHERE connection_id = 'erp'`,
    );
    expect(rows).toEqual([{ canonical_id: flaky.canonicalId, state: 'open' }]);
  }, 40_000);

  it('keeps the field path of a record the target refused when its job gives up on the rest of the batch', async () => {
    const { hub, source } = await memoryHub(
      async (ops) =>
        ops.map((op): WriteResult => {
          const name = String(op.record.name);
          const error = name.startsWith('Refused')
            ? {
                kind: 'invalid_data' as const,
                code: 'http_400',
                message: 'name: too long',
                fieldPath: 'name',
              }
            : { kind: 'transient' as const, code: 'http_503', message: 'Service Unavailable' };
          return { ok: false, idempotencyKey: op.idempotencyKey, error };
        }),
      true,
    );
    source.put('customers', { id: 'REFUSED', name: 'Refused Customer Ltd' });
    source.put('customers', { id: 'FLAKY', name: 'Flaky Customer Ltd' });
    await runSync(hub, { connectionId: 'crm', stream: 'customers' });
    const [refused, flaky] = [await itemOf('REFUSED'), await itemOf('FLAKY')];
    // The write worker of a new connection starts within its refresh interval.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    await hub.queue.add(
      writeQueueName('erp'),
      'write',
      { connectionId: 'erp', stream: 'customers', items: [refused, flaky] },
      { attempts: 1 },
    );
    await eventually(async () => (await hub.queue.counts(writeQueueName('erp'))).failed === 1, 20_000);
    const { rows } = await hub.store.db.query<{
      canonical_id: string;
      error_class: string;
      field_path: string;
    }>(
      `SELECT canonical_id::text, error_class, field_path FROM failed_syncs WHERE connection_id = 'erp'
       ORDER BY error_class`,
    );
    expect(rows).toEqual([
      { canonical_id: flaky.canonicalId, error_class: 'intermittent', field_path: null },
      { canonical_id: refused.canonicalId, error_class: 'value', field_path: 'name' },
    ]);
  }, 40_000);

  it('records the other writes of a batch when the target matched one record to another', async () => {
    // A target that upserts on email, as HubSpot's batch upsert does.
    const idByEmail = new Map<string, string>();
    const { hub, source } = await memoryHub(
      async (ops) =>
        ops.map((op) => {
          const email = String(op.record.email);
          const created = !idByEmail.has(email);
          if (created) idByEmail.set(email, `H-${idByEmail.size + 1}`);
          return { ok: true, idempotencyKey: op.idempotencyKey, externalId: idByEmail.get(email)!, created };
        }),
      false,
    );
    source.put('customers', { id: 'A', name: 'Alpha Trading GmbH', email: 'shared@example.com' });
    await runSync(hub, { connectionId: 'crm', stream: 'customers' });
    await handleWriteJob(hub, { connectionId: 'erp', stream: 'customers', items: [await itemOf('A')] });
    source.put('customers', { id: 'B', name: 'Bravo Duplicate Holdings', email: 'shared@example.com' });
    source.put('customers', { id: 'C', name: 'Charlie Industries', email: 'c@example.com' });
    await runSync(hub, { connectionId: 'crm', stream: 'customers' });
    const [b, c] = [await itemOf('B'), await itemOf('C')];
    expect(
      await outcomeOf(handleWriteJob(hub, { connectionId: 'erp', stream: 'customers', items: [b, c] })),
    ).toBe('ok');
    const recorded = (table: string, id: string) =>
      count(`SELECT count(*)::int AS n FROM ${table} WHERE connection_id = 'erp' AND canonical_id = $1`, [
        id,
      ]);
    expect(
      await Promise.all(['outbound_writes', 'xref', 'last_written'].map((t) => recorded(t, c.canonicalId))),
    ).toEqual([1, 1, 1]);
    const { rows } = await hub.store.db.query<{ canonical_id: string; error_class: string; message: string }>(
      `SELECT canonical_id::text, error_class, message FROM failed_syncs WHERE connection_id = 'erp'`,
    );
    expect(rows).toEqual([
      expect.objectContaining({
        canonical_id: b.canonicalId,
        error_class: 'duplicate',
        message: expect.stringContaining('H-1'),
      }),
    ]);
  }, 30_000);

  it('asks the target again for a record it matched to another, instead of waiting on its first create', async () => {
    const { hub, source } = await memoryHub(
      async (ops) =>
        ops.map((op) => ({ ok: true, idempotencyKey: op.idempotencyKey, externalId: 'H-1', created: false })),
      false,
    );
    source.put('customers', { id: 'A', name: 'Alpha Trading GmbH' });
    source.put('customers', { id: 'B', name: 'Bravo Duplicate Holdings' });
    await runSync(hub, { connectionId: 'crm', stream: 'customers' });
    const write = (id: string) =>
      itemOf(id).then((item) =>
        outcomeOf(
          handleWriteJob(hub, { connectionId: 'erp', stream: 'customers', items: [item] }, undefined, {
            claimWaitMs: 1_000,
          }),
        ),
      );
    expect([await write('A'), await write('B')]).toEqual(['ok', 'ok']);
    // The conflict was filed; a later write of the record is answered by the target again.
    expect(await write('B')).toBe('ok');
    expect(await count(`SELECT attempts AS n FROM failed_syncs WHERE error_code = 'xref_conflict'`)).toBe(2);
  }, 30_000);

  it('opens the circuit for a target that fails every record of every batch', async () => {
    const { hub, source, target } = await restHub(1_000, false, { circuitHalfOpenMs: 60_000 });
    source.put('customers', { id: 'D1', name: 'Down Target Customer', email: 'd1@example.com' });
    await runSync(hub, { connectionId: 'crm', stream: 'customers' });
    const item = await itemOf('D1');
    for (let i = 0; i < 100; i++) target.faults.push({ status: 500 });
    const outcomes: string[] = [];
    for (let attempt = 0; attempt < 7; attempt++)
      outcomes.push(
        await outcomeOf(
          handleWriteJob(hub, { connectionId: 'tgt', stream: 'customers', items: [item] }, 'one-job'),
        ),
      );
    expect(outcomes.slice(0, 5).every((code) => code === 'http_500')).toBe(true);
    expect(outcomes.slice(5)).toEqual(['circuit_open', 'circuit_open']);
    const requestsWhileOpen = target.requests.length;
    await outcomeOf(
      handleWriteJob(hub, { connectionId: 'tgt', stream: 'customers', items: [item] }, 'one-job'),
    );
    expect(target.requests.length).toBe(requestsWhileOpen);
  }, 40_000);

  it('applies a changed rate limit to the write queue without a restart', async () => {
    const { hub, source, sink } = await memoryHub(async (_ops, write) => write(), true);
    const erp = await hub.store.connections.get('erp');
    const saveErp = (options: Record<string, unknown>) =>
      hub.store.connections.save({ ...erp, options }, memoryConnector.configSchema);
    await saveErp({ rateLimit: { max: 1, perMs: 60_000 } });
    source.put('customers', { id: 'S1', name: 'Slow Lane One GmbH' });
    source.put('customers', { id: 'S2', name: 'Slow Lane Two GmbH' });
    await runSync(hub, { connectionId: 'crm', stream: 'customers' });
    const items = [await itemOf('S1'), await itemOf('S2')];
    // The write worker of a new connection starts within its refresh interval.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    for (const item of items)
      await hub.queue.add(writeQueueName('erp'), 'write', {
        connectionId: 'erp',
        stream: 'customers',
        items: [item],
      });
    await eventually(() => sink.list('customers').length === 1, 10_000, 'the first write');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(sink.list('customers')).toHaveLength(1);
    await saveErp({ rateLimit: { max: 100, perMs: 1_000 } });
    await eventually(
      () => sink.list('customers').length === 2,
      10_000,
      'the second write under the new limit',
    );
  }, 40_000);

  it('retries a job whose database connection dropped after the target took the write', async () => {
    const { hub, source, sink } = await memoryHub(async (_ops, write) => write(), true);
    source.put('customers', { id: 'P1', name: 'Dropped Connection GmbH', email: 'p1@example.com' });
    await runSync(hub, { connectionId: 'crm', stream: 'customers' });
    const item = await itemOf('P1');
    const db = hub.store.db;
    const transaction = db.transaction.bind(db);
    let dropped = false;
    db.transaction = (async (work: Parameters<typeof transaction>[0]) => {
      if (!dropped && sink.list('customers').length > 0) {
        dropped = true;
        throw Object.assign(new Error('terminating connection due to administrator command'), {
          code: '57P01',
        });
      }
      return transaction(work);
    }) as typeof db.transaction;
    await hub.queue.add(writeQueueName('erp'), 'write', {
      connectionId: 'erp',
      stream: 'customers',
      items: [item],
    });
    await eventually(async () => (await hub.queue.counts(writeQueueName('erp'))).completed === 1, 20_000);
    expect(dropped).toBe(true);
    expect(await count(`SELECT count(*)::int AS n FROM outbound_writes WHERE status = 'done'`)).toBe(1);
    expect(await count('SELECT count(*)::int AS n FROM failed_syncs')).toBe(0);
    expect(sink.list('customers')).toHaveLength(1);
  }, 30_000);
});

describe('a create whose answer never arrived', () => {
  it('is found again by its first key when the record changed before the retry', async () => {
    const { hub, source, target } = await restHub(300, false);
    source.put('customers', { id: 'L1', name: 'Lost Answer Ltd', email: 'l1@example.com' });
    await runSync(hub, { connectionId: 'crm', stream: 'customers' });
    // The target applies the create but answers after the client gave up.
    target.writeDelayMs = 600;
    const write = async () =>
      outcomeOf(
        handleWriteJob(
          hub,
          { connectionId: 'tgt', stream: 'customers', items: [await itemOf('L1')] },
          'job-L1',
        ),
      );
    expect(await write()).not.toBe('ok');
    await eventually(() => target.records.size === 1, 5_000, 'the late create applied');
    source.put('customers', { id: 'L1', name: 'Lost Answer Ltd (renamed)' });
    await runSync(hub, { connectionId: 'crm', stream: 'customers' });
    target.writeDelayMs = 0;
    // The retry finds the first create (same key), then sends the newer version as an update.
    expect(await write()).toBe('newer_version_follows');
    expect(await write()).toBe('ok');
    expect([...target.records.values()].map((record) => record.name)).toEqual(['Lost Answer Ltd (renamed)']);
  }, 30_000);

  it('is deleted from the target when the record is deleted in the hub before the retry', async () => {
    const { hub, source, sink } = await memoryHub(async (_ops, write) => write(), false);
    source.put('customers', { id: 'G1', name: 'Gone Before Retry Ltd' });
    await runSync(hub, { connectionId: 'crm', stream: 'customers' });
    const job = { connectionId: 'erp', stream: 'customers', items: [await itemOf('G1')] };
    const write = () => outcomeOf(handleWriteJob(hub, job, 'job-G1'));
    sink.faults.push({ status: 'lost-answer', stream: 'customers' });
    expect(await write()).toBe('timeout');
    expect(sink.list('customers')).toHaveLength(1);
    await processInboundPage(await inboundStreamFor(hub, 'crm', 'customers'), {
      records: [],
      deleted: ['G1'],
    });
    // The job is tried again, as often as it asks.
    let outcome = await write();
    for (let retries = 0; outcome !== 'ok' && retries < 3; retries++) outcome = await write();
    expect(outcome).toBe('ok');
    expect(sink.list('customers')).toEqual([]);
  }, 30_000);

  it('is not sent a second time by a job racing it while the record changes', async () => {
    const { hub, source, target } = await restHub(10_000, true);
    target.writeDelayMs = 1_500;
    // The write worker of a new connection starts within its refresh interval.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    source.put('customers', { id: 'R1', name: 'Race Customer', email: 'r1@example.com' });
    await runSync(hub, { connectionId: 'crm', stream: 'customers' });
    await eventually(async () => (await hub.queue.counts(writeQueueName('tgt'))).active === 1, 10_000);
    source.put('customers', { id: 'R1', name: 'Race Customer Renamed' });
    await runSync(hub, { connectionId: 'crm', stream: 'customers' });
    await eventually(
      () => [...target.records.values()].some((record) => record.name === 'Race Customer Renamed'),
      20_000,
      'the newer version at the target',
    );
    await hub.queue.whenIdle(writeQueueName('tgt'), 20_000);
    expect(target.records.size).toBe(1);
  }, 40_000);
});
