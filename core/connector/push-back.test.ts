import { describe, expect, it } from 'vitest';
import { applyPushBack, pushBackProblems, pushedFields, takesTocResults } from './push-back.ts';

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

describe('pushBackProblems', () => {
  const types = { promiseDate: ['date'], throughputPerConstraintMinute: ['double', 'currency'] };
  const fields = new Map([
    ['Promise_Date__c', { type: 'date', editable: true }],
    ['Rollup_Date__c', { type: 'date', editable: false }],
    ['T_per_CM__c', { type: 'string', editable: true }],
    ['Buffer__c', { type: 'picklist', editable: true }],
  ]);

  it('names each field that is missing, read-only or of a type its result cannot be written to', () => {
    const pushed = pushedFields(
      {
        promiseDate: 'Rollup_Date__c',
        bufferStatus: 'Colour__c',
        throughputPerConstraintMinute: 'T_per_CM__c',
      },
      ['promiseDate', 'bufferStatus', 'throughputPerConstraintMinute'],
    );
    expect(pushBackProblems(pushed, fields, types, 'field')).toEqual([
      'Rollup_Date__c (pushBack.promiseDate) cannot be edited by this user',
      'Colour__c (pushBack.bufferStatus) does not exist',
      'T_per_CM__c (pushBack.throughputPerConstraintMinute) is a string field, not double or currency',
    ]);
  });

  it('finds nothing wrong with editable fields of the right types, and takes any type for a result not typed', () => {
    const pushed = pushedFields({ promiseDate: 'Promise_Date__c', bufferStatus: 'Buffer__c' }, [
      'promiseDate',
      'bufferStatus',
    ]);
    expect(pushBackProblems(pushed, fields, types, 'field')).toEqual([]);
    expect(takesTocResults(pushed.map(([, field]) => field))).toBe(
      'Promise_Date__c, Buffer__c take the TOC results',
    );
  });

  it('checks only the results asked for, and says a single field takes them', () => {
    const pushed = pushedFields({ promiseDate: 'Promise_Date__c', bufferStatus: 'Colour__c' }, [
      'promiseDate',
    ]);
    expect(pushed).toEqual([['promiseDate', 'Promise_Date__c']]);
    expect(takesTocResults(['Promise_Date__c'])).toBe('Promise_Date__c takes the TOC results');
  });
});
