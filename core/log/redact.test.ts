import { describe, expect, it } from 'vitest';
import { MAX_SECRET_VALUES, redact, registerSecretValue } from './redact.ts';

describe('redact', () => {
  it('masks registered values inside any text and values under secret-looking keys', () => {
    registerSecretValue('s3cr3t-refresh-token');
    expect(redact({ message: 'refresh with s3cr3t-refresh-token failed', apiKey: 'abc' })).toEqual({
      message: 'refresh with [redacted] failed',
      apiKey: '[redacted]',
    });
  });

  it('keeps a bounded list: the values registered longest ago leave first, re-registered ones stay', () => {
    registerSecretValue('first-token-0001');
    registerSecretValue('kept-token-0002');
    for (let i = 0; i < MAX_SECRET_VALUES - 2; i += 1) registerSecretValue(`rotated-${i}`);
    registerSecretValue('kept-token-0002');
    registerSecretValue('newest-token-0003');
    expect(redact('first-token-0001 kept-token-0002 newest-token-0003')).toBe(
      'first-token-0001 [redacted] [redacted]',
    );
  });
});
