import { faker } from '@faker-js/faker';
import { addDays } from '../core/toc/calendar.ts';
import { executeTocCommand } from '../core/toc/command.ts';
import { scheduleCommand } from '../core/toc/dbr/schedule.ts';
import { type Benchmark, round, timeMs } from './harness.ts';

const ORDERS = 10_000;
const RESOURCES = 50;
const ITEMS = 400;
const asOf = '2026-03-02';

/** A job shop on working weekdays: routings of 3–6 steps, due dates over the next 16 weeks. */
export function buildScheduleInput(orders = ORDERS, resources = RESOURCES) {
  faker.seed(1984);
  const resourceIds = Array.from({ length: resources }, (_, r) => `WC-${String(r).padStart(2, '0')}`);
  return {
    asOf,
    calendar: {
      workingWeekdays: [1, 2, 3, 4, 5],
      holidays: ['2026-04-03', '2026-04-06', '2026-05-01', '2026-05-25'],
    },
    resources: resourceIds.map((id) => ({
      id,
      minutesPerDay: faker.helpers.arrayElement([960, 1440, 1920, 2400]),
    })),
    items: Array.from({ length: ITEMS }, (_, i) => ({
      id: `ITEM-${i}`,
      routing: faker.helpers
        .arrayElements(resourceIds, faker.number.int({ min: 3, max: 6 }))
        .map((resource) => ({
          resource,
          setupMinutes: faker.number.int({ min: 0, max: 45 }),
          minutesPerUnit: faker.number.float({ min: 0.2, max: 4, fractionDigits: 1 }),
        })),
    })),
    orders: Array.from({ length: orders }, (_, o) => ({
      id: `SO-${String(o).padStart(5, '0')}`,
      item: `ITEM-${faker.number.int({ min: 0, max: ITEMS - 1 })}`,
      quantity: faker.number.int({ min: 1, max: 120 }),
      dueDate: addDays(asOf, faker.number.int({ min: 1, max: 112 })),
    })),
    shippingBufferDays: 3,
    constraintBufferDays: 5,
  };
}

const run: Benchmark = async () => {
  const input = buildScheduleInput();
  const ms = await timeMs(() => executeTocCommand(scheduleCommand, input));
  return [
    {
      bench: 'toc.schedule_ms',
      value: round(ms, 1),
      unit: 'ms',
      goal: '< 2000 ms for 10,000 orders on 50 resources',
    },
  ];
};

export default run;
