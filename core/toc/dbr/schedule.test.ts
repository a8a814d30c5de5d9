import { describe, expect, it } from 'vitest';
import { executeTocCommand } from '../command.ts';
import { scheduleCommand } from './schedule.ts';

// C is the drum (480 min/day); N does 10 min setup + 0.5 min/unit; X takes 1 C minute per unit.
const plant = {
  asOf: '2026-03-02',
  resources: [
    { id: 'C', minutesPerDay: 480 },
    { id: 'N', minutesPerDay: 1000 },
  ],
  items: [
    {
      id: 'X',
      routing: [
        { resource: 'N', setupMinutes: 10, minutesPerUnit: 0.5 },
        { resource: 'C', setupMinutes: 0, minutesPerUnit: 1 },
      ],
    },
    { id: 'Y', routing: [{ resource: 'N', setupMinutes: 5, minutesPerUnit: 1 }] },
  ],
  shippingBufferDays: 1,
  constraintBufferDays: 1,
};

type Orders = Array<{ id: string; item?: string; quantity: number; dueDate: string }>;

function schedule(orders: Orders, overrides: Record<string, unknown> = {}) {
  const withItems = orders.map((order) => ({ item: 'X', ...order }));
  return executeTocCommand(scheduleCommand, { ...plant, orders: withItems, ...overrides });
}

describe('schedule: backward pass', () => {
  it('breaks target ties by placing the larger id first, nearest the target', async () => {
    const result = await schedule(
      [
        { id: 'A', quantity: 300, dueDate: '2026-03-05' },
        { id: 'B', quantity: 300, dueDate: '2026-03-05' },
      ],
      { shippingBufferDays: 0 },
    );
    // B takes 300 of 5 March; A the remaining 180 there and 120 of 4 March.
    expect(result.drum).toEqual([
      {
        order: 'A',
        minutes: 300,
        start: '2026-03-04',
        end: '2026-03-05',
        allocations: [
          { date: '2026-03-04', minutes: 120 },
          { date: '2026-03-05', minutes: 180 },
        ],
      },
      {
        order: 'B',
        minutes: 300,
        start: '2026-03-05',
        end: '2026-03-05',
        allocations: [{ date: '2026-03-05', minutes: 300 }],
      },
    ]);
    expect(result.orders[0]).toMatchObject({
      releaseDate: '2026-03-03',
      constraintStart: '2026-03-04',
      late: false,
    });
    expect(result.orders[1]).toMatchObject({ releaseDate: '2026-03-04', plannedShipDate: '2026-03-05' });
  });

  it('spreads an order over several days and never releases before asOf', async () => {
    const result = await schedule([{ id: 'big', quantity: 1000, dueDate: '2026-03-06' }], {
      constraintBufferDays: 2,
    });
    expect(result.drum[0].allocations).toEqual([
      { date: '2026-03-03', minutes: 40 },
      { date: '2026-03-04', minutes: 480 },
      { date: '2026-03-05', minutes: 480 },
    ]);
    // 3 March − 2 days = 1 March, before asOf: released on 2 March.
    expect(result.orders[0]).toEqual({
      id: 'big',
      dueDate: '2026-03-06',
      drumTarget: '2026-03-05',
      releaseDate: '2026-03-02',
      constraintStart: '2026-03-03',
      constraintEnd: '2026-03-05',
      plannedShipDate: '2026-03-06',
      late: false,
      projectedLatenessDays: 0,
      pass: 'backward',
    });
  });
});

describe('schedule: forward pass', () => {
  const orders = [
    { id: 'E', quantity: 400, dueDate: '2026-03-06' }, // target 5 March
    { id: 'L', quantity: 1000, dueDate: '2026-03-04' }, // target 3 March: 960 free up to then < 1000
    { id: 'M', quantity: 100, dueDate: '2026-03-02' }, // target 1 March: before asOf
  ];

  it('pulls orders that do not fit before their target and places them from asOf, late', async () => {
    const result = await schedule(orders);
    expect(result.drum.map((entry) => [entry.order, entry.allocations])).toEqual([
      ['M', [{ date: '2026-03-02', minutes: 100 }]],
      [
        'L',
        [
          { date: '2026-03-02', minutes: 380 },
          { date: '2026-03-03', minutes: 480 },
          { date: '2026-03-04', minutes: 140 },
        ],
      ],
      ['E', [{ date: '2026-03-05', minutes: 400 }]],
    ]);
    const byId = Object.fromEntries(result.orders.map((order) => [order.id, order]));
    expect(byId.E).toMatchObject({
      releaseDate: '2026-03-04',
      plannedShipDate: '2026-03-06',
      late: false,
      pass: 'backward',
    });
    expect(byId.L).toMatchObject({
      releaseDate: '2026-03-02',
      constraintEnd: '2026-03-04',
      plannedShipDate: '2026-03-05',
      late: true,
      projectedLatenessDays: 1,
      pass: 'forward',
    });
    expect(byId.M).toMatchObject({
      plannedShipDate: '2026-03-03',
      late: true,
      projectedLatenessDays: 1,
      pass: 'forward',
    });
  });

  it('loads the drum per day and other resources at the release date', async () => {
    const result = await schedule(orders);
    // N: L 10 + 500 and M 10 + 50 on 2 March, E 10 + 200 on 4 March.
    expect(result.loadByDay).toEqual([
      { date: '2026-03-02', resource: 'C', minutes: 480, capacity: 480 },
      { date: '2026-03-02', resource: 'N', minutes: 570, capacity: 1000 },
      { date: '2026-03-03', resource: 'C', minutes: 480, capacity: 480 },
      { date: '2026-03-03', resource: 'N', minutes: 0, capacity: 1000 },
      { date: '2026-03-04', resource: 'C', minutes: 140, capacity: 480 },
      { date: '2026-03-04', resource: 'N', minutes: 210, capacity: 1000 },
      { date: '2026-03-05', resource: 'C', minutes: 400, capacity: 480 },
      { date: '2026-03-05', resource: 'N', minutes: 0, capacity: 1000 },
    ]);
  });
});

describe('schedule: constraint and calendar', () => {
  it('defaults the constraint to the highest load per available minute', async () => {
    const orders = [{ id: 'a', quantity: 1400, dueDate: '2026-03-06' }];
    // 4 days: C 1400 / (480 × 4) = 0.73; N 710 / (1000 × 4) = 0.18 → C. With N at 150/day: 1.18 → N.
    expect((await schedule(orders)).constraint).toBe('C');
    const slowN = [plant.resources[0], { id: 'N', minutesPerDay: 150 }];
    expect((await schedule(orders, { resources: slowN })).constraint).toBe('N');
    expect((await schedule(orders, { resources: slowN, constraint: 'C' })).constraint).toBe('C');
  });

  it('places only working days and releases on the first working day on or after asOf', async () => {
    const order = [{ id: 'w', quantity: 700, dueDate: '2026-03-11' }];
    // Weekdays: target Tue 10 March; 480 there and 220 on Mon 9 March; release Mon − 2 = Thu 5.
    const friday = await schedule(order, { asOf: '2026-03-06', calendar: {}, constraintBufferDays: 2 });
    expect(friday.drum[0].allocations).toEqual([
      { date: '2026-03-09', minutes: 220 },
      { date: '2026-03-10', minutes: 480 },
    ]);
    expect(friday.orders[0]).toMatchObject({ releaseDate: '2026-03-06', plannedShipDate: '2026-03-11' });
    const saturday = await schedule(order, { asOf: '2026-03-07', calendar: {}, constraintBufferDays: 2 });
    expect(saturday.orders[0].releaseDate).toBe('2026-03-09');
    expect(saturday.loadByDay[0].date).toBe('2026-03-09');
  });

  it('counts the shipping buffer back from the last working day on or before a weekend due date', async () => {
    const weekdays = { calendar: {}, shippingBufferDays: 2, constraint: 'C' };
    // Due Saturday 14 March: ships by Friday 13, so the drum target is Wednesday 11, as for a
    // Friday due date, and an order that sits on its target ships on time.
    const saturday = await schedule([{ id: 'sat', quantity: 60, dueDate: '2026-03-14' }], weekdays);
    const friday = await schedule([{ id: 'fri', quantity: 60, dueDate: '2026-03-13' }], weekdays);
    const onTime = {
      drumTarget: '2026-03-11',
      constraintEnd: '2026-03-11',
      plannedShipDate: '2026-03-13',
      late: false,
      projectedLatenessDays: 0,
    };
    expect(saturday.orders[0]).toMatchObject({ dueDate: '2026-03-14', ...onTime });
    expect(friday.orders[0]).toMatchObject(onTime);
    // Due Saturday 7 March, target Wednesday 4: 1500 minutes do not fit from Monday 2 up to it, so
    // the order ends Thursday 5 and ships Monday 9, one working day after Friday 6.
    const pulled = await schedule([{ id: 'big', quantity: 1500, dueDate: '2026-03-07' }], weekdays);
    expect(pulled.orders[0]).toMatchObject({
      drumTarget: '2026-03-04',
      constraintEnd: '2026-03-05',
      plannedShipDate: '2026-03-09',
      late: true,
      projectedLatenessDays: 1,
      pass: 'forward',
    });
  });

  it('passes an order without constraint work through the drum on its target day', async () => {
    const result = await schedule([{ id: 'y', item: 'Y', quantity: 10, dueDate: '2026-03-05' }], {
      constraint: 'C',
    });
    expect(result.drum).toEqual([]);
    expect(result.orders[0]).toMatchObject({
      constraintStart: '2026-03-04',
      releaseDate: '2026-03-03',
      late: false,
    });
  });
});

describe('schedule: input errors name the field', () => {
  it.each([
    [{ orders: [{ id: 'o', item: 'Z', quantity: 1, dueDate: '2026-03-05' }] }, 'orders.0.item'],
    [{ orders: [], constraint: 'Q' }, 'constraint'],
    [
      { orders: [], items: [{ id: 'X', routing: [{ resource: 'Q', setupMinutes: 0, minutesPerUnit: 1 }] }] },
      'items.0.routing.0.resource',
    ],
    [{ orders: [{ id: 'o', item: 'X', quantity: 0, dueDate: '2026-03-05' }] }, 'orders.0.quantity'],
    [{ orders: [], shippingBufferDays: -1 }, 'shippingBufferDays'],
  ])('rejects %j at %s', async (overrides, path) => {
    await expect(executeTocCommand(scheduleCommand, { ...plant, ...overrides })).rejects.toMatchObject({
      fieldPath: path,
    });
  });
});
