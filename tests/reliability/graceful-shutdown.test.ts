import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Connector } from '../../core/connector/types.ts';
import { createMemoryQueue } from '../../core/queue/memory-driver.ts';
import { runSync } from '../../core/sync/run-sync.ts';
import { openEmbeddedStore } from '../support/drivers.ts';
import { memoryConnector, memorySystem } from '../support/memory-system.ts';
import { eventually, startTestHub } from '../support/test-hub.ts';

describe('graceful shutdown', () => {
  it('finishes the write in flight before the workers stop and the store closes', async () => {
    let writeStarted = false;
    const slowTarget: Connector<unknown> = {
      ...(memoryConnector as Connector<unknown>),
      async write(ctx, stream, ops) {
        writeStarted = true;
        await new Promise((resolve) => setTimeout(resolve, 800));
        return memoryConnector.write(ctx as never, stream, ops);
      },
    };
    const test = await startTestHub({
      store: await openEmbeddedStore(),
      queue: createMemoryQueue(),
      connectors: [slowTarget],
    });
    const crm = `shutdown-crm-${Date.now()}`;
    const erp = `shutdown-erp-${Date.now()}`;
    await test.hub.store.connections.save(
      { id: 'crm', kind: 'memory', name: 'CRM', config: { system: crm } },
      memoryConnector.configSchema,
    );
    await test.hub.store.connections.save(
      { id: 'erp', kind: 'memory', name: 'ERP', config: { system: erp }, options: { push: ['customers'] } },
      memoryConnector.configSchema,
    );
    memorySystem(crm).put('customers', { id: 'G1', name: 'Graceful GmbH' });
    await runSync(test.hub, { connectionId: 'crm', stream: 'customers' });
    await eventually(() => writeStarted, 15_000, 'the write to start');

    const stopping = performance.now();
    await test.stop();
    expect(performance.now() - stopping).toBeGreaterThanOrEqual(300);
    expect(
      memorySystem(erp)
        .list('customers')
        .map((record) => record.name),
    ).toEqual(['Graceful GmbH']);
  });

  it('exits 0 within the bound on SIGTERM', async () => {
    const port = 30_000 + Math.floor(Math.random() * 20_000);
    const child = spawn('node', ['bin/thub.js', 'start', '--port', String(port)], {
      env: {
        ...process.env,
        DATABASE_URL: '',
        REDIS_URL: '',
        HUB_DATA_DIR: mkdtempSync(join(tmpdir(), 'thub-shutdown-')),
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    child.stderr!.on('data', (chunk) => (log += chunk));
    let running = true;
    const exited = new Promise<number | null>((resolve) =>
      child.on('exit', (code) => {
        running = false;
        resolve(code);
      }),
    );
    try {
      await eventually(
        async () => (await fetch(`http://127.0.0.1:${port}/readyz`)).ok,
        60_000,
        'the hub to be ready',
      );
      const signalled = performance.now();
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(performance.now() - signalled).toBeLessThan(15_000);
      expect(log).toContain('shutting down');
    } finally {
      // A hub that never got ready (or never exited) must not outlive the test.
      if (running) child.kill('SIGKILL');
    }
  }, 90_000);
});
