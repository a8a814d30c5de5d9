import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { executeTocCommand } from '../command.ts';
import { buffersCommand } from './buffers-command.ts';

// ADU 12, DLT 10, LTF 0.5, VF 0.5, OC 7: red 60 + 30 = 90, yellow 120, green max(84, 60, 0) = 84;
// TOR 90, TOY 210, TOG 294; spike threshold 45; DLT and spike windows end 2026-03-26.
const item = {
  id: 'A',
  adu: 12,
  dltDays: 10,
  leadTimeFactor: 0.5,
  variabilityFactor: 0.5,
  orderCycleDays: 7,
};
const asOf = '2026-03-16';

async function runOne(overrides: Record<string, unknown>) {
  const result = await executeTocCommand(buffersCommand, { asOf, items: [{ ...item, ...overrides }] });
  return result.items[0];
}

describe('toc buffers', () => {
  it('computes the net flow position from on hand, reservations, supply and qualified demand', async () => {
    const status = await runOne({
      onHand: 140,
      reservedOutgoing: 20,
      incoming: [
        { date: '2026-03-01', quantity: 5 }, // past due: counts
        { date: '2026-03-26', quantity: 60 }, // last day of the DLT: counts
        { date: '2026-03-27', quantity: 100 }, // beyond the DLT: ignored
      ],
      demand: [
        { date: '2026-03-13', quantity: 15 }, // past due
        { date: '2026-03-19', quantity: 44 }, // below the spike threshold
        { date: '2026-03-20', quantity: 45 }, // at the threshold
      ],
    });
    expect(status.qualifiedDemand).toBe(60);
    // 140 − 20 + 65 − 60 = 125
    expect(status.nfp).toBe(125);
    expect(status.nfpPct).toBe(42.52);
    expect(status.planningPriority).toBe('yellow');
    expect(status.recommendedQty).toBe(169);
  });

  it('counts a reserved demand once, through reservedOutgoing only', async () => {
    const status = await runOne({
      onHand: 300,
      reservedOutgoing: 30,
      demand: [{ date: asOf, quantity: 30, reserved: true }],
    });
    expect(status.qualifiedDemand).toBe(0);
    expect(status.nfp).toBe(270);
  });

  it('NFP exactly at top of yellow is yellow and orders up to top of green; one above is green', async () => {
    const atTop = await runOne({ onHand: 210 });
    expect([atTop.planningPriority, atTop.recommendedQty]).toEqual(['yellow', 84]);
    const above = await runOne({ onHand: 211 });
    expect([above.planningPriority, above.recommendedQty]).toEqual(['green', 0]);
    const below = await runOne({ onHand: 209 });
    expect([below.planningPriority, below.recommendedQty]).toEqual(['yellow', 85]);
    const atRed = await runOne({ onHand: 90 });
    expect(atRed.planningPriority).toBe('yellow');
    const belowRed = await runOne({ onHand: 89 });
    expect(belowRed.planningPriority).toBe('red');
  });

  it('never recommends less than the MOQ', async () => {
    // MOQ 100 sizes green to 100 (TOG 310); 50 already in progress leave 310 − 209 − 50 = 51 to order.
    const status = await runOne({ onHand: 209, moq: 100, inProgress: 50 });
    expect([status.zones.topOfGreen, status.recommendedQty]).toEqual([310, 100]);
    const withMultiple = await runOne({ onHand: 209, moq: 100, inProgress: 50, qtyMultiple: 40 });
    expect(withMultiple.recommendedQty).toBe(120);
  });

  it('execution priority sets on hand against top of red and half of it', async () => {
    expect((await runOne({ onHand: 90 })).executionPriority).toBe('green');
    const half = await runOne({ onHand: 45 });
    expect([half.executionPriority, half.onHandPct]).toEqual(['yellow', 50]);
    const low = await runOne({ onHand: 44 });
    expect([low.executionPriority, low.onHandPct]).toEqual(['red', 48.89]);
  });

  it('defaults the spike horizon to the DLT and honours an explicit horizon and factor', async () => {
    const demand = [{ date: '2026-03-27', quantity: 50 }];
    expect((await runOne({ onHand: 0, demand })).qualifiedDemand).toBe(0);
    expect((await runOne({ onHand: 0, demand, spikeHorizonDays: 11 })).qualifiedDemand).toBe(50);
    // factor 0.6 of red 90 = 54 > 50
    expect(
      (await runOne({ onHand: 0, demand, spikeHorizonDays: 11, spikeThresholdFactor: 0.6 })).qualifiedDemand,
    ).toBe(0);
  });

  it('counts the windows in working days when a calendar is given', async () => {
    // Ten working days from Monday 2026-03-16 end on Monday 2026-03-30.
    const input = {
      asOf,
      calendar: { workingWeekdays: [1, 2, 3, 4, 5] },
      items: [{ ...item, onHand: 0, incoming: [{ date: '2026-03-30', quantity: 7 }] }],
    };
    const result = await executeTocCommand(buffersCommand, input);
    expect(result.items[0].nfp).toBe(7);
    expect((await runOne({ onHand: 0, incoming: [{ date: '2026-03-30', quantity: 7 }] })).nfp).toBe(0);
  });

  it('sorts by planning priority, then NFP % ascending', async () => {
    const items = [
      { ...item, id: 'green-high', onHand: 290 },
      { ...item, id: 'yellow', onHand: 150 },
      { ...item, id: 'green-low', onHand: 220 },
      { ...item, id: 'red', onHand: 10 },
      { ...item, id: 'red-lower', onHand: -5 },
    ];
    const result = await executeTocCommand(buffersCommand, { asOf, items });
    expect(result.items.map((status) => status.id)).toEqual([
      'red-lower',
      'red',
      'yellow',
      'green-low',
      'green-high',
    ]);
  });

  it('runs the example input', async () => {
    const raw = JSON.parse(await readFile(new URL('../examples/buffers.json', import.meta.url), 'utf8'));
    const result = await executeTocCommand(buffersCommand, raw);
    expect(result.items.map((status) => [status.id, status.recommendedQty])).toEqual([
      ['FG-1001', 175],
      ['SP-0007', 0],
      ['RM-2040', 0],
    ]);
  });

  it('rejects bad input naming the field', async () => {
    const bad = (items: unknown[]) => executeTocCommand(buffersCommand, { asOf, items });
    await expect(bad([{ ...item, onHand: 1, dltDays: -1 }])).rejects.toThrow(/items\.0\.dltDays/);
    await expect(bad([{ ...item }])).rejects.toThrow(/items\.0\.onHand/);
    await expect(
      bad([{ ...item, onHand: 1, demand: [{ date: asOf, quantity: 5, reserved: 6 }] }]),
    ).rejects.toThrow(/items\.0\.demand\.0\.reserved/);
    await expect(
      bad([{ ...item, onHand: 1, incoming: [{ date: '2026-13-01', quantity: 1 }] }]),
    ).rejects.toThrow(/items\.0\.incoming\.0\.date/);
    await expect(
      bad([
        { ...item, onHand: 1 },
        { ...item, onHand: 2 },
      ]),
    ).rejects.toThrow(/items\.1\.id: duplicate/);
  });
});
