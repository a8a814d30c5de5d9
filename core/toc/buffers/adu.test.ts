import { describe, expect, it } from 'vitest';
import { executeTocCommand } from '../command.ts';
import { aduCommand } from './adu-command.ts';

// asOf is Monday 2026-03-16; a 5-day horizon looks back at 03-11…03-15 and ahead at 03-16…03-20.
const moves = [
  { date: '2026-03-10', quantity: 100, kind: 'outgoing' }, // before the past window
  { date: '2026-03-11', quantity: 10, kind: 'outgoing' }, // first day of the past window
  { date: '2026-03-13', quantity: 20, kind: 'outgoing' },
  { date: '2026-03-14', quantity: 50, kind: 'internal' },
  { date: '2026-03-14', quantity: 7, kind: 'inventory_loss' },
  { date: '2026-03-15', quantity: 5, kind: 'scrap' },
  { date: '2026-03-15', quantity: 10, kind: 'outgoing' },
  { date: '2026-03-16', quantity: 20, kind: 'outgoing' }, // asOf: future, never past
  { date: '2026-03-18', quantity: 30, kind: 'outgoing' },
  { date: '2026-03-20', quantity: 10, kind: 'outgoing' }, // last day of the future window
  { date: '2026-03-20', quantity: 15, kind: 'scrap' },
  { date: '2026-03-21', quantity: 40, kind: 'outgoing' }, // Saturday after the future window
];
const forecast = [
  { date: '2026-03-16', quantity: 25 },
  { date: '2026-03-19', quantity: 25 },
  { date: '2026-03-25', quantity: 100 },
];
const base = { asOf: '2026-03-16', horizonDays: 5, moves };

async function adu(input: Record<string, unknown>): Promise<number> {
  return (await executeTocCommand(aduCommand, { ...base, ...input })).adu;
}

describe('toc adu', () => {
  it('past: outgoing moves of the days before asOf, asOf excluded', async () => {
    // (10 + 20 + 10) / 5
    expect(await adu({ method: 'past' })).toBe(8);
  });

  it('counts scrap only when asked, never internal moves or inventory losses', async () => {
    // (10 + 20 + 5 + 10) / 5
    expect(await adu({ method: 'past', includeScrap: true })).toBe(9);
  });

  it('future: open outgoing moves from asOf over the horizon', async () => {
    // (20 + 30 + 10) / 5; with scrap (20 + 30 + 10 + 15) / 5
    expect(await adu({ method: 'future' })).toBe(12);
    expect(await adu({ method: 'future', includeScrap: true })).toBe(15);
  });

  it('future: the forecast when one is given, or when asked', async () => {
    // (25 + 25) / 5; 03-25 lies beyond the horizon
    expect(await adu({ method: 'future', forecast })).toBe(10);
    expect(await adu({ method: 'future', forecast, futureSource: 'moves' })).toBe(12);
  });

  it('blended: weighs past and future', async () => {
    // 0.5 × 8 + 0.5 × 12
    expect(await adu({ method: 'blended' })).toBe(10);
    // 0.3 × 8 + 0.7 × 12 = 2.4 + 8.4
    expect(await adu({ method: 'blended', pastFactor: 0.3 })).toBe(10.8);
    // 0.75 × 8 + 0.25 × 10 (forecast)
    expect(await adu({ method: 'blended', futureFactor: 0.25, forecast })).toBe(8.5);
    expect(await adu({ method: 'blended', pastFactor: 0.1, futureFactor: 0.9 })).toBe(11.6);
  });

  it('counts working days when a calendar is given', async () => {
    const calendar = { workingWeekdays: [1, 2, 3, 4, 5] };
    // Five working days back from Monday 03-16 start on Monday 03-09: (100 + 10 + 20 + 10) / 5
    expect(await adu({ method: 'past', calendar })).toBe(28);
    // Five working days ahead end before Monday 03-23: the Saturday move counts (20 + 30 + 10 + 40) / 5
    expect(await adu({ method: 'future', calendar })).toBe(20);
  });

  it('gives a clean average despite floating-point sums', async () => {
    const small = [
      { date: '2026-03-15', quantity: 0.1, kind: 'outgoing' },
      { date: '2026-03-15', quantity: 0.2, kind: 'outgoing' },
    ];
    expect(await adu({ method: 'past', horizonDays: 1, moves: small })).toBe(0.3);
    expect(await adu({ method: 'past', horizonDays: 3, moves: [] })).toBe(0);
  });

  it('rejects bad input naming the field', async () => {
    await expect(adu({ method: 'blended', pastFactor: 0.7, futureFactor: 0.2 })).rejects.toThrow(
      /futureFactor: pastFactor and futureFactor must sum to 1/,
    );
    await expect(adu({ method: 'past', horizonDays: 0 })).rejects.toThrow(/horizonDays/);
    await expect(adu({ method: 'average' })).rejects.toThrow(/method/);
    await expect(adu({ method: 'future', futureSource: 'forecast' })).rejects.toThrow(/forecast: required/);
    await expect(
      adu({ method: 'past', moves: [{ date: '2026-03-15', quantity: 1, kind: 'sale' }] }),
    ).rejects.toThrow(/moves\.0\.kind/);
  });
});
