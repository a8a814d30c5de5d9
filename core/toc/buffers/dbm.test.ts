import { describe, expect, it } from 'vitest';
import { executeTocCommand } from '../command.ts';
import { dbmCommand } from './dbm-command.ts';

const run = (input: Record<string, unknown>) => executeTocCommand(dbmCommand, input);

describe('toc dbm', () => {
  it('splits the target level in thirds, red and yellow tops inclusive', async () => {
    // TL 30: red up to 10, yellow up to 20, green above.
    const { days } = await run({ targetLevel: 30, replenishmentDays: 5, onHand: [10, 11, 20, 21, 4] });
    expect(days.map((day) => [day.zone, day.redDepth])).toEqual([
      ['red', 0],
      ['yellow', 0],
      ['yellow', 0],
      ['green', 0],
      ['red', 6],
    ]);
    expect(days[0]).toEqual({ day: 1, onHand: 10, targetLevel: 30, zone: 'red', redDepth: 0 });
  });

  it('raises the level by a third when red depths over the replenishment time reach the red zone', async () => {
    // TL 30, red zone 10; depths 5 + 2 + 3 = 10 on day 3 → 40 from day 4.
    const result = await run({ targetLevel: 30, replenishmentDays: 3, onHand: [5, 8, 7, 35] });
    expect(result.resizes).toEqual([{ day: 3, from: 30, to: 40, reason: 'TMR' }]);
    expect(result.days.map((day) => day.targetLevel)).toEqual([30, 30, 30, 40]);
    expect(result.finalTargetLevel).toBe(40);
  });

  it('does not resize just below the red zone, nor on depth that slid out of the window', async () => {
    // 5 + 2 + 2.99 = 9.99 < 10
    expect((await run({ targetLevel: 30, replenishmentDays: 3, onHand: [5, 8, 7.01] })).resizes).toEqual([]);
    // day 4 sums days 2–4 only: 0 + 0 + 4
    expect((await run({ targetLevel: 30, replenishmentDays: 3, onHand: [5, 20, 20, 6] })).resizes).toEqual(
      [],
    );
  });

  it('ignores Too-Much-Red during cooling and never counts cooling depth later', async () => {
    // TMR on day 3 (30 → 40, red zone 13.33); days 4–6 cool down at on hand 0 (depth 13.33 each).
    // Day 7: depth 3.33 alone, the cooling days do not count → nothing.
    // Day 8: 3.33 + 13.33 = 16.67 ≥ 13.33 → 40 → 53.33 → 53.
    const result = await run({
      targetLevel: 30,
      replenishmentDays: 3,
      onHand: [5, 8, 7, 0, 0, 0, 10, 0, 60],
    });
    expect(result.days.slice(3, 6).map((day) => [day.zone, day.redDepth])).toEqual([
      ['red', 13.333333333],
      ['red', 13.333333333],
      ['red', 13.333333333],
    ]);
    expect(result.resizes).toEqual([
      { day: 3, from: 30, to: 40, reason: 'TMR' },
      { day: 8, from: 40, to: 53, reason: 'TMR' },
    ]);
    expect(result.days[8].targetLevel).toBe(53);
  });

  it('lowers the level by a third after tmgCheckDays green days, restarting the streak', async () => {
    // Default check 2 × 2 = 4 days. TL 30 green above 20: TMG on day 4 (→ 20); the streak restarts,
    // so the next TMG is day 8 (20 → 13.33 → 13), not day 5.
    const result = await run({
      targetLevel: 30,
      replenishmentDays: 2,
      onHand: [25, 25, 25, 25, 25, 25, 25, 25],
    });
    expect(result.resizes).toEqual([
      { day: 4, from: 30, to: 20, reason: 'TMG' },
      { day: 8, from: 20, to: 13, reason: 'TMG' },
    ]);
    expect(result.finalTargetLevel).toBe(13);
  });

  it('a single non-green day breaks the green streak', async () => {
    // Day 4 is yellow (15 ≤ 20): the streak starts again on day 5 and completes on day 8.
    const result = await run({
      targetLevel: 30,
      replenishmentDays: 2,
      onHand: [25, 25, 25, 15, 25, 25, 25, 25],
    });
    expect(result.resizes).toEqual([{ day: 8, from: 30, to: 20, reason: 'TMG' }]);
  });

  it('rounds new levels half-up to whole units and honours explicit settings', async () => {
    // changeFraction 0.5: 5 × 1.5 = 7.5 → 8 and 5 × 0.5 = 2.5 → 3.
    const up = await run({ targetLevel: 5, replenishmentDays: 1, changeFraction: 0.5, onHand: [0] });
    expect(up.resizes).toEqual([{ day: 1, from: 5, to: 8, reason: 'TMR' }]);
    const down = await run({
      targetLevel: 5,
      replenishmentDays: 1,
      changeFraction: 0.5,
      tmgCheckDays: 1,
      onHand: [5],
    });
    expect(down.resizes).toEqual([{ day: 1, from: 5, to: 3, reason: 'TMG' }]);
    // coolingDays 0: a TMR may follow on the very next day, counting only that day.
    const noCooling = await run({ targetLevel: 30, replenishmentDays: 2, coolingDays: 0, onHand: [0, 0] });
    expect(noCooling.resizes.map((resize) => [resize.day, resize.to])).toEqual([
      [1, 40],
      [2, 53],
    ]);
  });

  it('rejects bad input naming the field', async () => {
    await expect(run({ targetLevel: 0, replenishmentDays: 3, onHand: [1] })).rejects.toThrow(/targetLevel/);
    await expect(run({ targetLevel: 30, replenishmentDays: 1.5, onHand: [1] })).rejects.toThrow(
      /replenishmentDays/,
    );
    await expect(run({ targetLevel: 30, replenishmentDays: 3, onHand: [1, 'x'] })).rejects.toThrow(
      /onHand\.1/,
    );
    await expect(
      run({ targetLevel: 30, replenishmentDays: 3, onHand: [1], changeFraction: 1 }),
    ).rejects.toThrow(/changeFraction/);
  });
});
