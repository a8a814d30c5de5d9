import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeDrivers } from '../../tests/support/drivers.ts';
import type { Store } from '../store/index.ts';
import { toHubError } from './hub-error.ts';

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('toHubError', () => {
  it('makes a lost database connection, a deadlock or a serialization failure retryable', () => {
    const cases = [
      [withCode('terminating connection due to administrator command', '57P01'), 'connection_lost'],
      [withCode('connection failure', '08006'), 'connection_lost'],
      [withCode('read ECONNRESET', 'ECONNRESET'), 'connection_lost'],
      [new Error('Connection terminated unexpectedly'), 'connection_lost'],
      [withCode('deadlock detected', '40P01'), 'database_conflict'],
      [withCode('could not serialize access', '40001'), 'database_conflict'],
    ] as const;
    for (const [error, code] of cases) {
      expect(toHubError(error)).toMatchObject({ kind: 'transient', code, retryable: true });
    }
  });

  it('makes a value the database refuses (malformed uuid, NUL in text or jsonb) invalid data, not internal', () => {
    const cases = [
      withCode('invalid input syntax for type uuid: "x"', '22P02'),
      withCode('invalid byte sequence for encoding "UTF8": 0x00', '22021'),
      withCode('unsupported Unicode escape sequence', '22P05'),
    ];
    for (const error of cases) {
      expect(toHubError(error)).toMatchObject({
        kind: 'invalid_data',
        code: 'invalid_value',
        message: error.message,
        retryable: false,
      });
    }
  });

  it('keeps other errors permanent', () => {
    expect(toHubError(withCode('duplicate key value violates unique constraint', '23505'))).toMatchObject({
      kind: 'system',
      code: 'internal_error',
      retryable: false,
    });
    expect(toHubError('boom')).toMatchObject({ kind: 'system', message: 'boom' });
  });
});

describe.each(storeDrivers())('toHubError on what $name refuses', (driver) => {
  let store: Store;
  beforeAll(async () => {
    store = await driver.open();
  });
  afterAll(async () => store.close());

  it.each([
    ['SELECT $1::uuid', 'not-a-uuid'],
    ['SELECT $1::text', 'a\u0000b'],
    ['SELECT $1::jsonb', JSON.stringify({ name: 'a\u0000b' })],
  ])('%s with a bad value is invalid data', async (sql, value) => {
    const refused = await store.db.query(sql, [value]).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(toHubError(refused)).toMatchObject({ kind: 'invalid_data', code: 'invalid_value' });
  });
});
