import { describe, expect, it } from 'vitest';
import { admitRecords, toEpochMs, toSoqlDateTime, windowStart } from './window.ts';

const stamp = (record: { Id: string; SystemModstamp: string }) => ({
  id: record.Id,
  modstamp: record.SystemModstamp,
});
const overlap = 5 * 60_000;

describe('SystemModstamp window', () => {
  it('reads Salesforce offsets and writes SOQL literals in whole seconds', () => {
    expect(toEpochMs('2024-05-01T10:00:00.000+0000')).toBe(Date.UTC(2024, 4, 1, 10));
    expect(toEpochMs('2024-05-01T12:00:00.000+0200')).toBe(Date.UTC(2024, 4, 1, 10));
    expect(toSoqlDateTime(Date.UTC(2024, 4, 1, 10, 0, 0, 999))).toBe('2024-05-01T10:00:00Z');
    expect(() => toEpochMs('yesterday')).toThrow(/SystemModstamp/);
  });

  it('drops a record re-read in the overlap but passes an update of the same Id', () => {
    const first = admitRecords(
      undefined,
      [{ Id: 'a', SystemModstamp: '2024-05-01T10:00:00.000+0000' }],
      stamp,
      overlap,
    );
    expect(first.fresh).toHaveLength(1);
    expect(windowStart(first.window!, overlap)).toBe('2024-05-01T09:55:00Z');
    const again = admitRecords(
      first.window,
      [
        { Id: 'a', SystemModstamp: '2024-05-01T10:00:00.000+0000' },
        { Id: 'b', SystemModstamp: '2024-05-01T09:58:00.000+0000' },
        { Id: 'a', SystemModstamp: '2024-05-01T10:01:00.000+0000' },
      ],
      stamp,
      overlap,
    );
    expect(again.fresh.map((record) => `${record.Id} ${record.SystemModstamp.slice(11, 16)}`)).toEqual([
      'b 09:58',
      'a 10:01',
    ]);
    expect(again.window?.since).toBe('2024-05-01T10:01:00.000Z');
  });

  it('forgets keys that fell out of the overlap window', () => {
    const window = { since: '2024-05-01T10:00:00.000Z', seen: [`old@${Date.UTC(2024, 4, 1, 9)}`] };
    const next = admitRecords(
      window,
      [{ Id: 'n', SystemModstamp: '2024-05-01T10:30:00.000Z' }],
      stamp,
      overlap,
    );
    expect(next.window?.seen).toEqual([`n@${Date.UTC(2024, 4, 1, 10, 30)}`]);
  });

  it('keeps the window as it was when nothing came back', () => {
    const window = { since: '2024-05-01T10:00:00.000Z', seen: [] };
    expect(admitRecords(window, [], stamp, overlap)).toEqual({ fresh: [], window });
  });
});
