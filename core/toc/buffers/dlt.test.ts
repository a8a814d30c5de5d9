import { describe, expect, it } from 'vitest';
import { type HubError, isHubError } from '../../errors/index.ts';
import { executeTocCommand } from '../command.ts';
import { MAX_ITEMS } from '../limits.ts';
import { dltCommand } from './dlt-command.ts';

const bom = [
  { id: 'FG', type: 'manufactured', produceDays: 2, components: ['SUB', 'PKG', 'BUF'], buffered: true },
  { id: 'SUB', type: 'manufactured', produceDays: 3, components: ['RM1', 'RM2'], buffered: false },
  { id: 'RM1', type: 'purchased', vendorLeadDays: 10, buffered: false },
  { id: 'RM2', type: 'purchased', vendorLeadDays: 40, buffered: true },
  { id: 'PKG', type: 'purchased', vendorLeadDays: 6, buffered: false },
  { id: 'BUF', type: 'manufactured', produceDays: 20, components: ['RM3'], buffered: true },
  { id: 'RM3', type: 'purchased', vendorLeadDays: 30, buffered: false },
  { id: 'DST', type: 'distributed', vendorLeadDays: 5, buffered: false },
  { id: 'KIT', type: 'manufactured', produceDays: 1, components: ['DST'], buffered: false },
  { id: 'CUT', type: 'manufactured', produceDays: 0.5, buffered: false },
];

const run = (items: unknown[]) => executeTocCommand(dltCommand, { items });

async function failure(items: unknown[]): Promise<HubError> {
  try {
    await run(items);
  } catch (error) {
    if (isHubError(error)) return error;
    throw error;
  }
  throw new Error('expected the input to be rejected');
}

describe('toc dlt', () => {
  it('takes the longest unprotected path, stopping at buffered components', async () => {
    const { dlt } = await run(bom);
    expect(dlt).toEqual({
      // 2 + max(SUB 13, PKG 6, BUF buffered 0)
      FG: 15,
      // 3 + max(RM1 10, RM2 buffered 0): the 40-day buffered leaf does not count
      SUB: 13,
      RM1: 10,
      RM2: 40,
      PKG: 6,
      // a buffered item still has its own DLT: 20 + RM3 30
      BUF: 50,
      RM3: 30,
      DST: 5,
      // a distributed component contributes its lead time: 1 + 5
      KIT: 6,
      CUT: 0.5,
    });
  });

  it('an unbuffered manufactured component adds its own produce time and path', async () => {
    const unbuffered = bom.map((item) => (item.id === 'BUF' ? { ...item, buffered: false } : item));
    // 2 + (20 + 30)
    expect((await run(unbuffered)).dlt.FG).toBe(52);
  });

  it('answers a bill-of-materials chain as deep as MAX_ITEMS without overflowing the stack', async () => {
    const chain = Array.from({ length: MAX_ITEMS }, (_, level) => ({
      id: `L${level}`,
      type: 'manufactured',
      produceDays: 1,
      components: level + 1 < MAX_ITEMS ? [`L${level + 1}`] : [],
      buffered: false,
    }));
    const { dlt } = await run(chain);
    expect([dlt.L0, dlt[`L${MAX_ITEMS - 1}`]]).toEqual([MAX_ITEMS, 1]);
    // The same chain closed back on its top is a cycle, found without recursion too.
    chain[MAX_ITEMS - 1].components = ['L0'];
    expect((await failure(chain)).code).toBe('bom_cycle');
  });

  it('reports a bill-of-materials cycle naming the items', async () => {
    const error = await failure([
      { id: 'A', type: 'manufactured', produceDays: 1, components: ['B'], buffered: false },
      { id: 'B', type: 'manufactured', produceDays: 1, components: ['C'], buffered: true },
      { id: 'C', type: 'manufactured', produceDays: 1, components: ['A'], buffered: false },
    ]);
    expect(error.code).toBe('bom_cycle');
    expect(error.message).toBe('items.0.components: bill of materials cycle A → B → C → A');
    expect(error.fieldPath).toBe('items.0.components');
    const self = await failure([
      { id: 'S', type: 'manufactured', produceDays: 1, components: ['S'], buffered: false },
    ]);
    expect(self.message).toBe('items.0.components: bill of materials cycle S → S');
  });

  it('rejects missing lead times, unknown components and duplicates, naming the field', async () => {
    const noProduce = await failure([{ id: 'M', type: 'manufactured', buffered: false }]);
    expect(noProduce.message).toMatch(/items\.0\.produceDays: required for a manufactured item/);
    const noVendor = await failure([{ id: 'P', type: 'purchased', buffered: false }]);
    expect(noVendor.message).toMatch(/items\.0\.vendorLeadDays: required for a purchased item/);
    const unknown = await failure([
      { id: 'M', type: 'manufactured', produceDays: 1, components: ['X'], buffered: false },
    ]);
    expect(unknown.message).toMatch(/items\.0\.components\.0: unknown component "X" of item "M"/);
    const twice = await failure([bom[2], bom[2]]);
    expect(twice.message).toMatch(/items\.1\.id: duplicate item id "RM1"/);
  });
});
