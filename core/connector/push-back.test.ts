import { describe, expect, it } from 'vitest';
import { applyPushBack } from './push-back.ts';

const toc = { promiseDate: '2024-06-14', bufferStatus: 'red', throughputPerConstraintMinute: null };

describe('applyPushBack', () => {
  it('moves each configured TOC result to its field, drops the rest, and keeps null to clear', () => {
    const pushBack = { promiseDate: 'Promise_Date__c', throughputPerConstraintMinute: 'Tp__c' };
    expect(applyPushBack({ Name: 'Acme', toc }, pushBack)).toEqual({
      Name: 'Acme',
      Promise_Date__c: '2024-06-14',
      Tp__c: null,
    });
  });

  it('gives each result to the encoder of the system written to', () => {
    const pushBack = { promiseDate: 'p', bufferStatus: 'b' };
    const encode = (result: string, value: unknown) => `${result}=${String(value)}`;
    expect(applyPushBack({ toc }, pushBack, encode)).toEqual({
      p: 'promiseDate=2024-06-14',
      b: 'bufferStatus=red',
    });
  });

  it('sends nothing of toc when the connection names no field', () => {
    expect(applyPushBack({ Name: 'Acme', toc }, {})).toEqual({ Name: 'Acme' });
  });

  it('refuses TOC results that are not an object', () => {
    expect(() => applyPushBack({ toc: [1] }, { promiseDate: 'p' })).toThrow(
      expect.objectContaining({ kind: 'invalid_data', code: 'invalid_toc_results', fieldPath: 'toc' }),
    );
  });
});
