import { describe, expect, it } from 'vitest';
import { normalizeEmail } from './email.ts';

describe('normalizeEmail', () => {
  it('lower-cases, trims and unwraps display names', () => {
    expect(normalizeEmail('  "Li Na" <Li.Na@Hengda-Auto.CN> ')).toEqual({
      address: 'li.na@hengda-auto.cn',
      domain: 'hengda-auto.cn',
      freeProvider: false,
    });
  });

  it('folds Gmail dots, +tags and googlemail.com but leaves other providers alone', () => {
    expect(normalizeEmail('John.Smith+crm@googlemail.com')?.address).toBe('johnsmith@gmail.com');
    expect(normalizeEmail('john.smith+crm@example.com')?.address).toBe('john.smith+crm@example.com');
  });

  it('accepts full-width characters and flags free providers', () => {
    expect(normalizeEmail('ｓａｌｅｓ＠ｑｑ．ｃｏｍ')).toMatchObject({
      address: 'sales@qq.com',
      freeProvider: true,
    });
  });

  it('rejects text that is not an address', () => {
    for (const raw of ['n/a', 'sales@', '@hengda.cn', 'a..b@x.com', 'sales@localhost', '']) {
      expect(normalizeEmail(raw)).toBeNull();
    }
  });
});
