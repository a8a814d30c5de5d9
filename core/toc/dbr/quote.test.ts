import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { executeTocCommand } from '../command.ts';
import { quoteCommand } from './quote.ts';

const example = JSON.parse(readFileSync(new URL('../examples/quote.json', import.meta.url), 'utf8'));

function quote(overrides: Record<string, unknown>) {
  return executeTocCommand(quoteCommand, { ...example, ...overrides });
}

describe('quote', () => {
  it('quotes in sequence, adding each order to the planned load', async () => {
    const result = await quote({});
    // 100 h / 16 h = 6.25 → 7 days: 9 March. Half of 10 buffer days each side.
    expect(result.orders[0]).toEqual({
      id: 'QUOTE-881',
      plannedLoadDate: '2026-03-09',
      safeDate: '2026-03-14',
      quotedDate: '2026-03-14',
      releaseDate: '2026-03-04',
      plannedLoadDateAfter: '2026-03-09', // 112 h is exactly 7 days: no rounding up
    });
    // 117 h → 7.3125 → 8 days.
    expect(result.orders[1]).toMatchObject({
      plannedLoadDate: '2026-03-09',
      plannedLoadDateAfter: '2026-03-10',
    });
    expect(result.orders[2]).toMatchObject({ plannedLoadDate: '2026-03-10', safeDate: '2026-03-15' });
    expect(result.plannedLoadHoursAfter).toBe(157);
  });

  it.each([
    // buffer 7: start 0.8 → +5.6 → 6 after, 0.2 → 1.4 → 2 before; end the mirror; middle 3.5 → 4 both ways.
    ['start', '2026-03-15', '2026-03-07'],
    ['middle', '2026-03-13', '2026-03-05'],
    ['end', '2026-03-11', '2026-03-03'],
  ])('rounds towards the safe side with the CCR at the %s', async (ccrPosition, safeDate, releaseDate) => {
    const result = await quote({ productionBufferDays: 7, standardLeadTimeDays: 0, ccrPosition });
    expect(result.orders[0]).toMatchObject({
      plannedLoadDate: '2026-03-09',
      safeDate,
      quotedDate: safeDate,
      releaseDate,
    });
  });

  it('never quotes earlier than the standard lead time, and then releases one buffer before', async () => {
    // 16 h → 1 day: 3 March, safe 8 March; standard 14 days → 16 March wins.
    const result = await quote({
      plannedLoadHours: 16,
      standardLeadTimeDays: 14,
      newOrders: [{ id: 'o', ccrHours: 0 }],
    });
    expect(result.orders[0]).toMatchObject({
      plannedLoadDate: '2026-03-03',
      safeDate: '2026-03-08',
      quotedDate: '2026-03-16',
      releaseDate: '2026-03-06',
    });
  });

  it('uses the safe-date release when the safe date equals the standard date', async () => {
    // safe 8 March = asOf + 6 standard days: not later, so release = 3 March − 5 → clamped to asOf.
    const result = await quote({
      plannedLoadHours: 16,
      standardLeadTimeDays: 6,
      newOrders: [{ id: 'o', ccrHours: 0 }],
    });
    expect(result.orders[0]).toMatchObject({ quotedDate: '2026-03-08', releaseDate: '2026-03-02' });
  });

  it('never releases before asOf', async () => {
    const result = await quote({
      plannedLoadHours: 0,
      standardLeadTimeDays: 3,
      newOrders: [{ id: 'o', ccrHours: 1 }],
    });
    expect(result.orders[0]).toMatchObject({
      plannedLoadDate: '2026-03-02',
      safeDate: '2026-03-07',
      quotedDate: '2026-03-07',
      releaseDate: '2026-03-02',
      plannedLoadDateAfter: '2026-03-03',
    });
  });

  it('counts working days with a calendar', async () => {
    // 100 h → 7 working days from Monday 2 March (6 March a holiday): 12 March; +5 → 19 March.
    const calendar = { holidays: ['2026-03-06'] };
    const result = await quote({ calendar, newOrders: [{ id: 'o', ccrHours: 0 }] });
    expect(result.orders[0]).toMatchObject({
      plannedLoadDate: '2026-03-12',
      safeDate: '2026-03-19',
      quotedDate: '2026-03-19',
      releaseDate: '2026-03-04',
    });
  });

  it('names the field of a bad input', async () => {
    await expect(quote({ ccrPosition: 'late' })).rejects.toMatchObject({ fieldPath: 'ccrPosition' });
    await expect(quote({ ccr: { id: 'x', hoursPerDay: 0 } })).rejects.toMatchObject({
      fieldPath: 'ccr.hoursPerDay',
    });
    const twice = [
      { id: 'a', ccrHours: 1 },
      { id: 'a', ccrHours: 2 },
    ];
    await expect(quote({ newOrders: twice })).rejects.toMatchObject({ fieldPath: 'newOrders.1.id' });
  });
});
