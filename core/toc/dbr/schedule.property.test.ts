import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, type Calendar, isWorkingDay } from '../calendar.ts';
import { executeTocCommand } from '../command.ts';
import { compareIds } from '../throughput/id-checks.ts';
import { scheduleCommand } from './schedule.ts';
import { scheduleInputSchema } from './schedule-schema.ts';

const asOf = '2026-03-02';
const NOISE = 1e-6;

const step = fc.record({
  resource: fc.integer({ min: 0, max: 2 }),
  setupMinutes: fc.integer({ min: 0, max: 60 }),
  minutesPerUnit: fc.constantFrom(0, 0.5, 1, 2.5, 7, 12),
});

const plant = fc
  .record({
    perDay: fc.array(fc.integer({ min: 60, max: 600 }), { minLength: 3, maxLength: 3 }),
    routings: fc.array(fc.array(step, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 3 }),
    orders: fc.array(
      fc.record({
        item: fc.nat(),
        quantity: fc.integer({ min: 1, max: 60 }),
        dueIn: fc.integer({ min: -3, max: 20 }),
      }),
      { maxLength: 25 },
    ),
    shippingBufferDays: fc.integer({ min: 0, max: 3 }),
    constraintBufferDays: fc.integer({ min: 0, max: 4 }),
    calendar: fc.option(fc.constant({ holidays: ['2026-03-09', '2026-03-13'] }), { nil: undefined }),
    constraint: fc.option(fc.integer({ min: 0, max: 2 }), { nil: undefined }),
  })
  .map((raw) => ({
    asOf,
    ...(raw.calendar ? { calendar: raw.calendar } : {}),
    resources: raw.perDay.map((minutesPerDay, r) => ({ id: `R${r}`, minutesPerDay })),
    items: raw.routings.map((routing, i) => ({
      id: `I${i}`,
      routing: routing.map((s) => ({ ...s, resource: `R${s.resource}` })),
    })),
    orders: raw.orders.map((order, o) => ({
      id: `O${String(o).padStart(2, '0')}`,
      item: `I${order.item % raw.routings.length}`,
      quantity: order.quantity,
      dueDate: addDays(asOf, order.dueIn),
    })),
    shippingBufferDays: raw.shippingBufferDays,
    constraintBufferDays: raw.constraintBufferDays,
    ...(raw.constraint === undefined ? {} : { constraint: `R${raw.constraint}` }),
  }));

function countWorkingDays(from: string, to: string, calendar?: Calendar): number {
  let count = 0;
  for (let date = from; date <= to; date = addDays(date, 1)) if (isWorkingDay(date, calendar)) count += 1;
  return count;
}

describe('schedule properties', () => {
  it('respects capacity, allocates every minute, ropes before the drum, and is late only when it had to', async () => {
    await fc.assert(
      fc.asyncProperty(plant, async (raw) => {
        const input = scheduleInputSchema.parse(raw);
        const result = await executeTocCommand(scheduleCommand, raw);
        const perDay = input.resources.find((resource) => resource.id === result.constraint)!.minutesPerDay;
        const workOf = (order: (typeof input.orders)[number]) =>
          input.items
            .find((item) => item.id === order.item)!
            .routing.filter((s) => s.resource === result.constraint)
            .reduce((sum, s) => sum + s.setupMinutes + order.quantity * s.minutesPerUnit, 0);

        const usedByDay = new Map<string, number>();
        for (const entry of result.drum) {
          for (const allocation of entry.allocations) {
            expect(allocation.date >= asOf && isWorkingDay(allocation.date, input.calendar)).toBe(true);
            usedByDay.set(allocation.date, (usedByDay.get(allocation.date) ?? 0) + allocation.minutes);
          }
        }
        for (const used of usedByDay.values()) expect(used).toBeLessThanOrEqual(perDay + NOISE);
        for (const row of result.loadByDay.filter((r) => r.resource === result.constraint)) {
          expect(row.minutes).toBeLessThanOrEqual(row.capacity);
        }

        const drumOf = new Map(result.drum.map((entry) => [entry.order, entry]));
        const planned = new Map(result.orders.map((order) => [order.id, order]));
        for (const order of input.orders) {
          const minutes = workOf(order);
          const entry = drumOf.get(order.id);
          if (minutes === 0) expect(entry).toBeUndefined();
          else {
            expect(entry!.minutes).toBeCloseTo(minutes, 9);
            const allocated = entry!.allocations.reduce((sum, allocation) => sum + allocation.minutes, 0);
            expect(Math.abs(allocated - minutes)).toBeLessThan(NOISE);
          }
          const plan = planned.get(order.id)!;
          expect(plan.releaseDate <= plan.constraintStart).toBe(true);
          expect(plan.releaseDate >= asOf).toBe(true);
          if (plan.pass === 'backward') expect(plan.constraintEnd <= plan.drumTarget).toBe(true);
          // With or without a calendar (due dates on weekends and holidays included).
          if (plan.late) expect(plan.pass).toBe('forward');
        }

        // A forward-placed order had to be: its target is before asOf, or the orders the backward
        // pass placed before it had left less free time up to its target than it needs.
        const backwardFirst = (
          a: { drumTarget: string; id: string },
          b: { drumTarget: string; id: string },
        ) => compareIds(b.drumTarget, a.drumTarget) || compareIds(b.id, a.id);
        for (const order of result.orders.filter((o) => o.pass === 'forward' && drumOf.has(o.id))) {
          if (order.drumTarget < asOf) continue;
          const capacity = perDay * countWorkingDays(asOf, order.drumTarget, input.calendar);
          const usedBefore = result.orders
            .filter(
              (other) => other.pass === 'backward' && backwardFirst(other, order) < 0 && drumOf.has(other.id),
            )
            .flatMap((other) => drumOf.get(other.id)!.allocations)
            .filter((allocation) => allocation.date <= order.drumTarget)
            .reduce((sum, allocation) => sum + allocation.minutes, 0);
          expect(capacity - usedBefore).toBeLessThan(drumOf.get(order.id)!.minutes);
        }
      }),
      { numRuns: 300 },
    );
  });
});
