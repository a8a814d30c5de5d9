import { describe, expect, it } from 'vitest';
import { executeTocCommand } from '../command.ts';
import { colorOf, timeBuffersCommand } from './time-buffers.ts';

const asOf = '2026-03-02';

function measure(input: unknown) {
  return executeTocCommand(timeBuffersCommand, input);
}

describe('time-buffers colours', () => {
  it.each([
    // [bufferDays, remainingDays, colour]
    [9, 10, 'green'], // not yet inside its buffer: negative penetration
    [9, 9, 'green'], // 0 %
    [9, 7, 'green'], // 22.22 %
    [10, 7, 'green'], // 30 %, just below one third
    [9, 6, 'yellow'], // exactly one third
    [9, 4, 'yellow'], // 55.56 %
    [9, 3, 'red'], // exactly two thirds
    [9, 1, 'red'], // 88.89 %
    [9, 0, 'red'], // due today: 100 % is red, not black
    [9, -1, 'black'], // late
  ] as const)('buffer %i with %i days left is %s', (bufferDays, remaining, color) => {
    expect(colorOf(bufferDays, remaining)).toBe(color);
  });
});

describe('time-buffers', () => {
  it('computes remaining days and penetration with two decimals', async () => {
    const result = await measure({
      asOf,
      orders: [
        { id: 'a', dueDate: '2026-03-12', bufferDays: 9 },
        { id: 'b', dueDate: '2026-03-08', bufferDays: 9 },
        { id: 'c', dueDate: '2026-03-05', bufferDays: 9 },
        { id: 'd', dueDate: '2026-03-02', bufferDays: 9 },
        { id: 'e', dueDate: '2026-03-01', bufferDays: 9 },
      ],
    });
    const byId = Object.fromEntries(result.orders.map((order) => [order.id, order]));
    expect(byId.a).toMatchObject({ remainingDays: 10, penetrationPct: -11.11, color: 'green' });
    expect(byId.b).toMatchObject({ remainingDays: 6, penetrationPct: 33.33, color: 'yellow' });
    expect(byId.c).toMatchObject({ remainingDays: 3, penetrationPct: 66.67, color: 'red' });
    expect(byId.d).toMatchObject({ remainingDays: 0, penetrationPct: 100, color: 'red' });
    expect(byId.e).toMatchObject({ remainingDays: -1, penetrationPct: 111.11, color: 'black' });
    expect(result.counts).toEqual({ black: 1, red: 2, yellow: 1, green: 1 });
  });

  it('sorts black first with the latest first, then by penetration', async () => {
    const result = await measure({
      asOf,
      orders: [
        { id: 'green', dueDate: '2026-03-10', bufferDays: 10 },
        { id: 'late1', dueDate: '2026-03-01', bufferDays: 2 }, // 150 %, 1 day late
        { id: 'late3', dueDate: '2026-02-27', bufferDays: 10 }, // 130 %, 3 days late
        { id: 'red', dueDate: '2026-03-03', bufferDays: 10 }, // 90 %
        { id: 'yellow', dueDate: '2026-03-07', bufferDays: 10 }, // 50 %
        { id: 'red2', dueDate: '2026-03-03', bufferDays: 5 }, // 80 %
      ],
    });
    expect(result.orders.map((order) => order.id)).toEqual([
      'late3',
      'late1',
      'red',
      'red2',
      'yellow',
      'green',
    ]);
  });

  it('counts working days when a calendar is given', async () => {
    // Friday 6 March to Monday 9 March is one working day: 2 of 3 buffer days used.
    const order = { id: 'w', dueDate: '2026-03-09', bufferDays: 3 };
    const plain = await measure({ asOf: '2026-03-06', orders: [order] });
    const working = await measure({ asOf: '2026-03-06', calendar: {}, orders: [order] });
    expect(plain.orders[0]).toMatchObject({ remainingDays: 3, penetrationPct: 0, color: 'green' });
    expect(working.orders[0]).toMatchObject({ remainingDays: 1, penetrationPct: 66.67, color: 'red' });
  });

  it('names the field of a bad input', async () => {
    const bad = { asOf, orders: [{ id: 'x', dueDate: '2026-02-30', bufferDays: 3 }] };
    await expect(measure(bad)).rejects.toMatchObject({ fieldPath: 'orders.0.dueDate' });
    const zero = { asOf, orders: [{ id: 'x', dueDate: '2026-03-03', bufferDays: 0 }] };
    await expect(measure(zero)).rejects.toMatchObject({ fieldPath: 'orders.0.bufferDays' });
  });
});
