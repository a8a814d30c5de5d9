import { readFileSync } from 'node:fs';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../core/api/app.ts';
import { loadEnv } from '../../core/config/env.ts';
import { createMemoryQueue } from '../../core/queue/memory-driver.ts';
import { type Hub, openHub } from '../../core/runtime/hub.ts';
import { scopesAllowedFor } from '../../core/security/roles.ts';
import { createToken } from '../../core/security/tokens.ts';
import { createUser } from '../../core/security/users.ts';
import { openEmbeddedStore } from '../support/drivers.ts';

const schedule = () => JSON.parse(readFileSync('core/toc/examples/schedule.json', 'utf8'));

describe('a viewer posting out-of-range TOC input', () => {
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
    const scopes = scopesAllowedFor('viewer');
    token = (await createToken(hub.store.db, { userId: user.id, userRole: 'viewer', name: 'toc', scopes }))
      .token;
  });
  afterAll(async () => {
    await hub.close();
  });
  const post = (input: object) =>
    request(createApp(hub)).post('/api/toc/schedule').set('Authorization', `Bearer ${token}`).send(input);

  // Before the bounds, 1e9 setup minutes built day arrays until the heap ran out; 1e308 gave a 500.
  it.each([1e9, 1e308])('gets a 400 naming the field for %d setup minutes', async (minutes) => {
    const input = schedule();
    input.items[0].routing[0].setupMinutes = minutes;
    const response = await post(input);
    expect(response.status).toBe(400);
    expect(response.body.error.details.fieldPath).toBe('items.0.routing.0.setupMinutes');
  });

  it('gets a 400 naming the field when the constraint work outlasts any plan', async () => {
    const input = schedule();
    input.constraint = 'CNC';
    input.resources[1].minutesPerDay = 1e-6;
    const response = await post(input);
    expect(response.status).toBe(400);
    expect(response.body.error.details.fieldPath).toBe('resources.1.minutesPerDay');
  });
});
