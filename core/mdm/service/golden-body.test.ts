import { describe, expect, it } from 'vitest';
import { composeGolden, isHubWritten } from './golden-body.ts';
import type { Survived } from './survivorship.ts';

const at = '2024-05-01T00:00:00.000Z';
const fromCrm = { connectionId: 'crm', kind: 'hubspot', externalId: 'C-1', at };
// What writeHubRecord and patchHubRecord record: the writer, no external record.
const fromFlow = { connectionId: 'flow:throughput-scoring', at };

describe('isHubWritten', () => {
  it("tells the hub's own writes from values that came from a source", () => {
    expect(isHubWritten(fromFlow)).toBe(true);
    expect(isHubWritten(fromCrm)).toBe(false);
    expect(isHubWritten({ connectionId: 'erp', externalId: 'E-1', at })).toBe(false);
    expect(isHubWritten(undefined)).toBe(false);
    expect(isHubWritten('flow:x')).toBe(false);
  });
});

describe('composeGolden', () => {
  const survived: Survived = {
    body: { name: 'Bracket, steel', uom: 'ea' },
    lineage: { name: fromCrm, uom: fromCrm },
  };

  it('keeps the fields the hub wrote, with their lineage, next to what the sources say', () => {
    const toc = { throughputPerConstraintMinute: 12.5, constraint: 'Paint' };
    const composed = composeGolden(
      { body: { name: 'Bracket', uom: 'ea', toc }, lineage: { name: fromCrm, uom: fromCrm, toc: fromFlow } },
      survived,
    );
    expect(composed.body).toEqual({ name: 'Bracket, steel', uom: 'ea', toc });
    expect(composed.lineage.toc).toEqual(fromFlow);
  });

  it('drops a field no source sends any more, also with a single source', () => {
    const composed = composeGolden(
      {
        body: { name: 'Bracket', uom: 'ea', phone: '+1 555 0100' },
        lineage: { name: fromCrm, uom: fromCrm, phone: fromCrm },
      },
      survived,
    );
    expect(composed.body).toEqual(survived.body);
    expect(composed.lineage).not.toHaveProperty('phone');
  });

  it('lets a source that holds a field the hub wrote decide it', () => {
    const composed = composeGolden(
      { body: { name: 'Bracket (hub)', uom: 'ea' }, lineage: { name: fromFlow, uom: fromCrm } },
      survived,
    );
    expect(composed.body.name).toBe('Bracket, steel');
    expect(composed.lineage.name).toEqual(fromCrm);
  });
});
