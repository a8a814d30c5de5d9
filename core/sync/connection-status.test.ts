import { afterEach, describe, expect, it, vi } from 'vitest';
import { canonicalIdOf } from '../../tests/integration/flow-fixture.ts';
import { type StoreDriver, storeDrivers } from '../../tests/support/drivers.ts';
import { type MemorySystem, memoryConnector, memorySystem } from '../../tests/support/memory-system.ts';
import { eventually, startTestHub, type TestHub } from '../../tests/support/test-hub.ts';
import type { Connector } from '../connector/types.ts';
import { HubError } from '../errors/index.ts';
import { createMemoryQueue } from '../queue/memory-driver.ts';
import type { Hub } from '../runtime/hub.ts';
import { checkConnection } from './connection-check.ts';
import { handleWriteJob } from './outbound.ts';
import { requestRun, requestRunsAgain } from './run-requests.ts';
import { runSync } from './run-sync.ts';
import { SYNC_RUNS_QUEUE } from './sync-jobs.ts';

// A connection whose system stops taking its credentials (a refresh token revoked, an API key
// deleted) shows so in its status, with the system's words, and shows active again once a call
// gets through. A paused connection stays paused whatever its calls meet, and is not read.

const REFUSED = 'INVALID_SESSION_ID: Session expired or invalid';
const refusal = () => new HubError('auth', 'http_401', REFUSED);
/**
 * What the system answers the next reads or writes with instead of records, and what happens
 * at the hub while such a call is in flight (its answer comes after it).
 */
const faults: {
  read?: HubError;
  write?: HubError;
  check?: HubError;
  meanwhile?: () => Promise<unknown>;
} = {};

/** The call's answer: `fault` when one is set, after what happens meanwhile. */
async function answer(fault: HubError | undefined): Promise<void> {
  await faults.meanwhile?.();
  if (fault) throw fault;
}

/** The memory connector, failing its reads or writes when told to. */
const guarded: Connector<unknown> = {
  ...(memoryConnector as Connector<unknown>),
  async *read(ctx, stream, cursor) {
    await answer(faults.read);
    yield* memoryConnector.read(ctx as never, stream, cursor);
  },
  async write(ctx, stream, ops) {
    await answer(faults.write);
    return memoryConnector.write(ctx as never, stream, ops);
  },
  async check(ctx) {
    await answer(faults.check);
    return memoryConnector.check(ctx as never);
  },
};

let test: TestHub | undefined;
afterEach(async () => {
  faults.read = undefined;
  faults.write = undefined;
  faults.check = undefined;
  faults.meanwhile = undefined;
  vi.restoreAllMocks();
  await test?.stop();
  test = undefined;
});

async function hubWith(driver: StoreDriver, workers = false): Promise<Hub> {
  test = await startTestHub({
    store: await driver.open(),
    queue: createMemoryQueue(),
    connectors: [guarded],
    workers,
  });
  return test.hub;
}

async function connect(
  hub: Hub,
  id: string,
  options: Record<string, unknown> = {},
  system = memorySystem(`status-${id}-${Date.now()}-${Math.random()}`),
  webhookSecret = 'first-secret',
) {
  await hub.store.connections.save(
    { id, kind: 'memory', name: id.toUpperCase(), config: { system: system.name, webhookSecret }, options },
    memoryConnector.configSchema,
  );
  return system;
}

const ERP_PUSHES = { push: ['customers'] };

/** An admin saving new secrets for the connection, as once its old ones were revoked. */
const rotateSecret = (hub: Hub, id: string, system: MemorySystem, options: Record<string, unknown> = {}) =>
  connect(hub, id, options, system, `rotated-${Math.random()}`);

/** An ERP that customers are pushed to, and the job writing it the one a CRM run brought in. */
async function customerToWrite(hub: Hub) {
  const crm = await connect(hub, 'crm');
  const erp = await connect(hub, 'erp', ERP_PUSHES);
  crm.put('customers', { id: 'C1', name: 'Hengda Auto Parts' });
  await runSync(hub, { connectionId: 'crm', stream: 'customers' });
  const canonicalId = await canonicalIdOf(hub, 'customer', 'crm', 'C1');
  return { erp, job: { connectionId: 'erp', stream: 'customers', items: [{ canonicalId, version: 1 }] } };
}

const statusOf = async (hub: Hub, id: string) => {
  const { status, statusMessage } = await hub.store.connections.get(id);
  return { status, statusMessage };
};

/** Waits for the paused connection's refusal of its queued run, resumes it, and answers the run it then gets. */
async function runAfterRefusalAndResume(hub: Hub) {
  await eventually(async () => (await hub.queue.counts(SYNC_RUNS_QUEUE)).failed >= 1, 10_000, 'the refusal');
  await hub.store.connections.resume('crm');
  expect(await requestRunsAgain(hub, 'crm')).toEqual(['customers']);
  return eventually(async () => {
    const { rows } = await hub.store.db.query<{ status: string; mode: string }>(
      `SELECT status, mode FROM sync_runs WHERE connection_id = 'crm' AND stream = 'customers' AND status <> 'running'`,
    );
    return rows[0];
  });
}

describe.each(storeDrivers())('connection status on $name', (driver) => {
  it('marks a connection whose run was refused its credentials, and active after a run that got through', async () => {
    const hub = await hubWith(driver);
    const crm = await connect(hub, 'crm');
    crm.put('customers', { id: 'C1', name: 'Hengda Auto Parts' });
    faults.read = refusal();
    const refused = await runSync(hub, { connectionId: 'crm', stream: 'customers' });
    expect(refused.status).toBe('failed');
    expect(await statusOf(hub, 'crm')).toEqual({ status: 'needs_reauthorization', statusMessage: REFUSED });

    faults.read = undefined;
    expect((await runSync(hub, { connectionId: 'crm', stream: 'customers' })).status).toBe('succeeded');
    expect(await statusOf(hub, 'crm')).toEqual({ status: 'active', statusMessage: null });
  });

  it('marks a connection whose check was refused its credentials, and active after a check that passed', async () => {
    const hub = await hubWith(driver);
    await connect(hub, 'crm');
    const check = async () =>
      checkConnection(hub, await hub.store.connections.get('crm'), AbortSignal.timeout(5_000));
    faults.check = refusal();
    await expect(check()).rejects.toMatchObject({ kind: 'auth' });
    expect(await statusOf(hub, 'crm')).toEqual({ status: 'needs_reauthorization', statusMessage: REFUSED });

    faults.check = new HubError('transient', 'network_error', 'connect ECONNREFUSED');
    await expect(check()).rejects.toMatchObject({ kind: 'transient' });
    expect(await statusOf(hub, 'crm')).toEqual({ status: 'needs_reauthorization', statusMessage: REFUSED });

    faults.check = undefined;
    expect((await check()).ok).toBe(true);
    expect(await statusOf(hub, 'crm')).toEqual({ status: 'active', statusMessage: null });
  });

  it('leaves the status alone when the system denies one stream to credentials that work', async () => {
    const hub = await hubWith(driver);
    await connect(hub, 'crm');
    const denials = [
      new HubError('auth', 'http_403', 'HTTP 403 Forbidden'),
      new HubError('auth', 'erpnext_permission_denied', 'PermissionError: Not permitted to read Customer'),
      new HubError('auth', 'odoo_access_error', 'AccessError: You are not allowed to access res.partner'),
      new HubError('auth', 'missing_scopes', "This app hasn't been granted all required scopes"),
      new HubError(
        'auth',
        'insufficient_access',
        'Salesforce INSUFFICIENT_ACCESS: insufficient access rights',
      ),
    ];
    for (const denial of denials) {
      faults.read = denial;
      expect((await runSync(hub, { connectionId: 'crm', stream: 'customers' })).status).toBe('failed');
      expect(await statusOf(hub, 'crm')).toEqual({ status: 'active', statusMessage: null });
    }
  });

  it('brings back needs_reauthorization after a pause, unless new secrets were saved meanwhile', async () => {
    const hub = await hubWith(driver);
    const crm = await connect(hub, 'crm');
    const { connections } = hub.store;
    await connections.markNeedsReauthorization('crm', REFUSED);
    await connections.pause('crm', 'CRM maintenance');
    await connections.pause('crm', 'CRM maintenance, longer');
    expect(await statusOf(hub, 'crm')).toEqual({
      status: 'disabled',
      statusMessage: 'CRM maintenance, longer',
    });
    await connections.resume('crm');
    expect(await statusOf(hub, 'crm')).toEqual({ status: 'needs_reauthorization', statusMessage: REFUSED });

    await connections.pause('crm', 'CRM maintenance');
    await connections.save(
      {
        id: 'crm',
        kind: 'memory',
        name: 'CRM',
        config: { system: crm.name, webhookSecret: 'rotated-secret' },
      },
      memoryConnector.configSchema,
    );
    await connections.resume('crm');
    expect(await statusOf(hub, 'crm')).toEqual({ status: 'active', statusMessage: null });
  });

  it('leaves the status alone when a run fails for another reason', async () => {
    const hub = await hubWith(driver);
    await connect(hub, 'crm');
    await hub.store.connections.markNeedsReauthorization('crm', REFUSED);
    faults.read = new HubError('transient', 'network_error', 'connect ECONNREFUSED');
    expect((await runSync(hub, { connectionId: 'crm', stream: 'customers' })).status).toBe('failed');
    expect(await statusOf(hub, 'crm')).toEqual({ status: 'needs_reauthorization', statusMessage: REFUSED });
  });

  it('marks a target whose write was refused its credentials, and active after a write that got through', async () => {
    const hub = await hubWith(driver);
    const { erp, job } = await customerToWrite(hub);

    faults.write = refusal();
    await expect(handleWriteJob(hub, job)).rejects.toMatchObject({ kind: 'auth' });
    expect(await statusOf(hub, 'erp')).toEqual({ status: 'needs_reauthorization', statusMessage: REFUSED });

    faults.write = undefined;
    await handleWriteJob(hub, job);
    expect(erp.list('customers')).toHaveLength(1);
    expect(await statusOf(hub, 'erp')).toEqual({ status: 'active', statusMessage: null });
  });

  it('keeps new secrets saved while a write with the old ones was in flight from its refusal', async () => {
    const hub = await hubWith(driver);
    const { erp, job } = await customerToWrite(hub);

    faults.write = refusal();
    faults.meanwhile = () => rotateSecret(hub, 'erp', erp, ERP_PUSHES);
    await expect(handleWriteJob(hub, job)).rejects.toMatchObject({ kind: 'auth' });
    expect(await statusOf(hub, 'erp')).toEqual({ status: 'active', statusMessage: null });

    // The same refusal of the secrets now saved is the connection's own.
    faults.meanwhile = undefined;
    await expect(handleWriteJob(hub, job)).rejects.toMatchObject({ kind: 'auth' });
    expect(await statusOf(hub, 'erp')).toEqual({ status: 'needs_reauthorization', statusMessage: REFUSED });
  });

  it('marks a connection refused while only its options were saved, the secrets unchanged', async () => {
    const hub = await hubWith(driver);
    const { erp, job } = await customerToWrite(hub);

    faults.write = refusal();
    faults.meanwhile = () => connect(hub, 'erp', { ...ERP_PUSHES, concurrency: 4 }, erp);
    await expect(handleWriteJob(hub, job)).rejects.toMatchObject({ kind: 'auth' });
    expect(await statusOf(hub, 'erp')).toEqual({ status: 'needs_reauthorization', statusMessage: REFUSED });
  });

  it('keeps the refusal of new secrets when a write with the old ones gets through', async () => {
    const hub = await hubWith(driver);
    const { erp, job } = await customerToWrite(hub);
    await hub.store.connections.markNeedsReauthorization('erp', REFUSED);

    faults.meanwhile = async () => {
      await rotateSecret(hub, 'erp', erp, ERP_PUSHES);
      await hub.store.connections.markNeedsReauthorization('erp', 'API key not found');
    };
    await handleWriteJob(hub, job);
    expect(await statusOf(hub, 'erp')).toEqual({
      status: 'needs_reauthorization',
      statusMessage: 'API key not found',
    });
  });

  it('keeps a refused connection active once new secrets were saved while a run read with the old ones', async () => {
    const hub = await hubWith(driver);
    const crm = await connect(hub, 'crm');
    crm.put('customers', { id: 'C1', name: 'Hengda Auto Parts' });
    await hub.store.connections.markNeedsReauthorization('crm', 'API key deleted');

    faults.read = refusal();
    faults.meanwhile = async () => {
      await rotateSecret(hub, 'crm', crm);
      expect(await statusOf(hub, 'crm')).toEqual({ status: 'active', statusMessage: null });
    };
    expect((await runSync(hub, { connectionId: 'crm', stream: 'customers' })).status).toBe('failed');
    expect(await statusOf(hub, 'crm')).toEqual({ status: 'active', statusMessage: null });
  });

  it('writes no status while an active connection works', async () => {
    const hub = await hubWith(driver);
    const crm = await connect(hub, 'crm');
    await connect(hub, 'erp', { push: ['customers'] });
    for (let n = 1; n <= 3; n++) crm.put('customers', { id: `C${n}`, name: `Customer ${n}` });
    const marked = vi.spyOn(hub.store.connections, 'markWorking');
    await runSync(hub, { connectionId: 'crm', stream: 'customers' });
    for (let n = 1; n <= 3; n++) {
      const canonicalId = await canonicalIdOf(hub, 'customer', 'crm', `C${n}`);
      await handleWriteJob(hub, {
        connectionId: 'erp',
        stream: 'customers',
        items: [{ canonicalId, version: 1 }],
      });
    }
    expect(marked).not.toHaveBeenCalled();
  });

  it('does not read a paused connection, and keeps it paused when its credentials are refused', async () => {
    const hub = await hubWith(driver);
    await connect(hub, 'crm');
    await hub.store.connections.setStatus('crm', 'disabled', 'ERP maintenance');
    await expect(runSync(hub, { connectionId: 'crm', stream: 'customers' })).rejects.toMatchObject({
      kind: 'conflict',
      code: 'connection_paused',
      message: expect.stringContaining('"crm" is paused (ERP maintenance)'),
    });
    const { rows } = await hub.store.db.query(`SELECT 1 FROM sync_runs WHERE connection_id = 'crm'`);
    expect(rows).toHaveLength(0);
    await hub.store.connections.markNeedsReauthorization('crm', REFUSED);
    await hub.store.connections.markWorking('crm');
    expect(await statusOf(hub, 'crm')).toEqual({ status: 'disabled', statusMessage: 'ERP maintenance' });
  });

  it('runs a stream whose webhook-requested run was refused during the pause once it is resumed', async () => {
    const hub = await hubWith(driver, true);
    const crm = await connect(hub, 'crm');
    crm.put('customers', { id: 'C1', name: 'Hengda Auto Parts' });
    await hub.store.connections.setStatus('crm', 'disabled', 'CRM migration');
    await requestRun(hub, 'crm', 'customers');
    expect(await runAfterRefusalAndResume(hub)).toMatchObject({ status: 'succeeded' });
  });

  it('keeps a full resync an operator queued before the pause, and runs it, full, once resumed', async () => {
    const hub = await hubWith(driver, true);
    const crm = await connect(hub, 'crm');
    crm.put('customers', { id: 'C1', name: 'Hengda Auto Parts' });
    // Queued (workers busy, or the stream held), then the connection paused before a worker took it.
    await hub.store.connections.setStatus('crm', 'disabled', 'ERP maintenance');
    await hub.queue.add(SYNC_RUNS_QUEUE, 'sync', {
      connectionId: 'crm',
      stream: 'customers',
      full: true,
      reason: 'api',
    });
    expect(await runAfterRefusalAndResume(hub)).toEqual({ status: 'succeeded', mode: 'full' });
    // Served: a later resume does not run it again.
    expect(await requestRunsAgain(hub, 'crm')).toEqual([]);
  });
});
