import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../core/api/app.ts';
import { loadEnv } from '../../core/config/env.ts';
import { createMemoryQueue } from '../../core/queue/memory-driver.ts';
import { type Hub, openHub } from '../../core/runtime/hub.ts';
import { scopesAllowedFor } from '../../core/security/roles.ts';
import { createToken } from '../../core/security/tokens.ts';
import { createUser } from '../../core/security/users.ts';
import { MAX_ORDERS } from '../../core/toc/limits.ts';
import { listTocCommands } from '../../core/toc/registry.ts';
import { openEmbeddedStore } from '../support/drivers.ts';

const run = promisify(execFile);
const examplesDir = 'core/toc/examples';
const examples = readdirSync(examplesDir)
  .filter((file) => file.endsWith('.json'))
  .map((file) => file.replace(/\.json$/, ''));

async function cli(command: string, inputFile: string) {
  try {
    const { stdout } = await run('node', ['bin/thub.js', 'toc', command, '--input', inputFile], {
      env: { ...process.env, LOG_LEVEL: 'silent' },
    });
    return { code: 0, stdout, stderr: '' };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('TOC engines: the CLI and the API return identical JSON', () => {
  let hub: Hub;
  let token: string;
  beforeAll(async () => {
    hub = await openHub(loadEnv({}), {
      store: await openEmbeddedStore(),
      queue: createMemoryQueue(),
      connectors: [],
    });
    const user = await createUser(hub.store.db, {
      email: 'viewer@example.com',
      role: 'viewer',
      password: 'a long test password 123',
    });
    token = (
      await createToken(hub.store.db, {
        userId: user.id,
        userRole: 'viewer',
        name: 'toc test',
        scopes: scopesAllowedFor('viewer'),
      })
    ).token;
  });
  const post = (path: string) => request(createApp(hub)).post(path).set('Authorization', `Bearer ${token}`);
  afterAll(async () => {
    await hub.close();
  });

  it('has an example input for every registered command', () => {
    expect(
      listTocCommands()
        .map((command) => command.name)
        .sort(),
    ).toEqual([...examples].sort());
  });

  it.each(examples)(
    '%s',
    async (name) => {
      const file = join(examplesDir, `${name}.json`);
      const viaCli = await cli(name, file);
      expect(viaCli.code).toBe(0);
      const viaApi = await post(`/api/toc/${name}`).send(JSON.parse(readFileSync(file, 'utf8')));
      expect(viaApi.status).toBe(200);
      expect(JSON.parse(viaCli.stdout)).toEqual(viaApi.body);
    },
    60_000,
  );

  it('rejects bad input with exit code 2 and HTTP 400, both naming the field', async () => {
    const bad = join(tmpdir(), `toc-bad-${process.pid}.json`);
    writeFileSync(
      bad,
      JSON.stringify({ asOf: '2026-11-22', orders: [{ id: 'SO-1', dueDate: '2026-13-40', bufferDays: 9 }] }),
    );
    const viaCli = await cli('time-buffers', bad);
    expect(viaCli.code).toBe(2);
    expect(viaCli.stderr).toContain('orders.0.dueDate');
    const viaApi = await post('/api/toc/time-buffers').send(JSON.parse(readFileSync(bad, 'utf8')));
    expect(viaApi.status).toBe(400);
    expect(viaApi.body.error.message).toContain('orders.0.dueDate');
    expect(viaApi.body.error.details.fieldPath).toBe('orders.0.dueDate');
  }, 60_000);

  const schedule = () => JSON.parse(readFileSync('core/toc/examples/schedule.json', 'utf8'));

  // Before the bounds, 1e9 setup minutes built day arrays until the heap ran out; 1e308 gave a 500.
  it.each([1e9, 1e308])('answers %d setup minutes with a 400 naming the field', async (minutes) => {
    const input = schedule();
    input.items[0].routing[0].setupMinutes = minutes;
    const response = await post('/api/toc/schedule').send(input);
    expect(response.status).toBe(400);
    expect(response.body.error.details.fieldPath).toBe('items.0.routing.0.setupMinutes');
  });

  it('answers constraint work that outlasts any plan with a 400 naming the field', async () => {
    const input = schedule();
    input.constraint = 'CNC';
    input.resources[1].minutesPerDay = 1e-6;
    const response = await post('/api/toc/schedule').send(input);
    expect(response.status).toBe(400);
    expect(response.body.error.details.fieldPath).toBe('resources.1.minutesPerDay');
  });

  const tooManyOrders = (order: object) => new Array(MAX_ORDERS + 1).fill(order);

  it('answers more orders than any plant has with a 400 naming the list', async () => {
    const order = { id: 'SO-1', dueDate: '2026-12-01', bufferDays: 9 };
    const response = await post('/api/toc/time-buffers').send({
      asOf: '2026-11-22',
      orders: tooManyOrders(order),
    });
    expect(response.status).toBe(400);
    expect(response.body.error.details.fieldPath).toBe('orders');
    expect(response.body.error.message).toContain(`orders: Too big: expected array to have <=${MAX_ORDERS}`);
  });

  it('answers a quote service call with more orders than any plant has with a 400 naming the list', async () => {
    const order = { id: 'Q-1', lines: [{ itemId: 'BRACKET-A', quantity: 5 }] };
    const response = await post('/api/toc/services/quote').send({ orders: tooManyOrders(order) });
    expect(response.status).toBe(400);
    expect(response.body.error.details.fieldPath).toBe('orders');
  });
});
