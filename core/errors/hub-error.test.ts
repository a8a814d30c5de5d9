import { describe, expect, it } from 'vitest';
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

  it('keeps other errors permanent', () => {
    expect(toHubError(withCode('duplicate key value violates unique constraint', '23505'))).toMatchObject({
      kind: 'system',
      code: 'internal_error',
      retryable: false,
    });
    expect(toHubError('boom')).toMatchObject({ kind: 'system', message: 'boom' });
  });
});
