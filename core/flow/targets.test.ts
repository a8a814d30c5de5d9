import { afterEach, describe, expect, it } from 'vitest';
import { storeDrivers } from '../../tests/support/drivers.ts';
import { memoryConnector, memorySystem } from '../../tests/support/memory-system.ts';
import { startTestHub, type TestHub } from '../../tests/support/test-hub.ts';
import { createMemoryQueue } from '../queue/memory-driver.ts';
import { connectionForRole } from './targets.ts';

let test: TestHub | undefined;
afterEach(async () => {
  await test?.stop();
  test = undefined;
});

describe.each(storeDrivers())('the connection that plays a role on $name', (driver) => {
  async function hubWithErp() {
    test = await startTestHub({ store: await driver.open(), queue: createMemoryQueue(), workers: false });
    await test.hub.store.connections.save(
      {
        id: 'erp',
        kind: 'memory',
        name: 'ERP',
        config: { system: memorySystem(`role-erp-${Date.now()}-${Math.random()}`).name },
        options: { role: 'erp' },
      },
      memoryConnector.configSchema,
    );
    return test.hub;
  }

  it('is the active connection with the role', async () => {
    const hub = await hubWithErp();
    expect((await connectionForRole(hub, 'erp')).id).toBe('erp');
  });

  it('names the paused connection that plays it, with the reason, instead of calling the role missing', async () => {
    const hub = await hubWithErp();
    await hub.store.connections.pause('erp', 'ERP upgrade');
    await expect(connectionForRole(hub, 'erp')).rejects.toMatchObject({
      code: 'connection_paused',
      message: expect.stringContaining('"erp" is paused (ERP upgrade)'),
    });
    await expect(connectionForRole(hub, 'crm')).rejects.toMatchObject({ code: 'role_not_configured' });
  });

  it('is a connection another process resumed a moment ago, whatever this process cached', async () => {
    const hub = await hubWithErp();
    await hub.store.connections.pause('erp', 'ERP upgrade');
    expect((await hub.store.connections.listCached()).find((c) => c.id === 'erp')?.status).toBe('disabled');
    // The resume as another process makes it: this process's cache is not told.
    await hub.store.db.query(
      `UPDATE connections SET status = 'active', status_message = NULL WHERE id = 'erp'`,
    );
    expect((await connectionForRole(hub, 'erp')).status).toBe('active');
  });
});
