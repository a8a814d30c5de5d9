import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeDrivers } from '../../tests/support/drivers.ts';
import type { Store } from '../store/index.ts';
import { createUser, listUsers } from './users.ts';

describe.each(storeDrivers())('creating users on $name', (driver) => {
  let store: Store;
  beforeAll(async () => {
    store = await driver.open();
  });
  afterAll(async () => store.close());

  const create = (email: string) =>
    createUser(store.db, { email, role: 'viewer', password: 'a long enough password 1' });

  it('refuses an email that is taken (in any case) as a conflict naming it', async () => {
    await create('taken@example.com');
    await expect(create('Taken@Example.com')).rejects.toMatchObject({
      kind: 'conflict',
      code: 'user_exists',
      message: 'A user with email taken@example.com already exists',
      fieldPath: 'email',
    });
  });

  it('makes one user and one conflict of two creates at once', async () => {
    const results = await Promise.allSettled([create('twice@example.com'), create('twice@example.com')]);
    expect(results.map((result) => result.status).sort()).toEqual(['fulfilled', 'rejected']);
    const { items } = await listUsers(store.db, { limit: 500, offset: 0 });
    expect(items.filter((user) => user.email === 'twice@example.com')).toHaveLength(1);
  });
});
