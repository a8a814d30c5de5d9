import type { Express } from 'express';
import { createApp } from '../../core/api/app.ts';
import type { Role } from '../../core/security/roles.ts';
import { scopesAllowedFor } from '../../core/security/roles.ts';
import { createToken } from '../../core/security/tokens.ts';
import { createUser, type User } from '../../core/security/users.ts';
import type { QueueDriver, StoreDriver } from '../support/drivers.ts';
import { memoryConnector } from '../support/memory-system.ts';
import { startTestHub, type TestHub } from '../support/test-hub.ts';

export const PASSWORD = 'a long test password 123';

export interface ApiFixture {
  test: TestHub;
  app: Express;
  users: Record<Role, User>;
  tokens: Record<Role, string>;
  stop(): Promise<void>;
}

/** A hub with the memory connector, one user and one full-scope token per role, and its app. */
export async function startApiFixture(options: {
  store: StoreDriver;
  queue: QueueDriver;
  workers?: boolean;
  loginLimit?: number;
  systemName?: string;
}): Promise<ApiFixture> {
  const test = await startTestHub({
    store: await options.store.open(),
    queue: options.queue.open(),
    workers: options.workers ?? false,
  });
  const db = test.hub.store.db;
  const users = {} as Record<Role, User>;
  const tokens = {} as Record<Role, string>;
  for (const role of ['viewer', 'operator', 'admin'] as const) {
    users[role] = await createUser(db, { email: `${role}@example.com`, role, password: PASSWORD });
    tokens[role] = (
      await createToken(db, {
        userId: users[role].id,
        userRole: role,
        name: `${role} test`,
        scopes: scopesAllowedFor(role),
      })
    ).token;
  }
  await test.hub.store.connections.save(
    {
      id: 'crm',
      kind: 'memory',
      name: 'CRM',
      config: {
        system: options.systemName ?? `crm-${Date.now()}-${Math.random()}`,
        webhookSecret: 'whsec-fixture-secret-1',
      },
    },
    memoryConnector.configSchema,
  );
  const app = createApp(test.hub, { loginLimit: options.loginLimit });
  return { test, app, users, tokens, stop: () => test.stop() };
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
