import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hubErrorOf } from '../../tests/support/hub-error-of.ts';
import type { HubError } from '../errors/index.ts';
import { executeTocCommand } from './command.ts';
import {
  MAX_DAYS,
  MAX_ITEM_LINES,
  MAX_ITEMS,
  MAX_MINUTES,
  MAX_ORDERS,
  MAX_RECORD_LINES,
  MAX_WORK_CENTERS,
} from './limits.ts';
import { findTocCommand, listTocCommands } from './registry.ts';

// biome-ignore lint/suspicious/noExplicitAny: examples are edited freely to build bad inputs
type Example = any;
const example = (name: string): Example =>
  JSON.parse(readFileSync(new URL(`./examples/${name}.json`, import.meta.url), 'utf8'));

const failureOf = (name: string, input: unknown): Promise<HubError> =>
  hubErrorOf(executeTocCommand(findTocCommand(name), input));

describe('TOC inputs beyond any real plan are refused, naming the field', () => {
  it.each([
    ['adu', 'horizonDays', (input: Example) => (input.horizonDays = 1e9)],
    ['buffers', 'items.0.dltDays', (input: Example) => (input.items[0].dltDays = 1e9)],
    ['buffers', 'items.0.onHand', (input: Example) => (input.items[0].onHand = -1e308)],
    ['dbm', 'replenishmentDays', (input: Example) => (input.replenishmentDays = 1e9)],
    ['dlt', 'items.2.vendorLeadDays', (input: Example) => (input.items[2].vendorLeadDays = 1e308)],
    ['quote', 'productionBufferDays', (input: Example) => (input.productionBufferDays = 1e9)],
    ['quote', 'standardLeadTimeDays', (input: Example) => (input.standardLeadTimeDays = 1e9)],
    ['quote', 'plannedLoadHours', (input: Example) => (input.ccr.hoursPerDay = 1e-9)],
    ['quote', 'newOrders.0.ccrHours', (input: Example) => (input.newOrders[0].ccrHours = 1e8)],
    [
      'mix',
      'products.0.routing.0.minutes',
      (input: Example) => (input.products[0].routing[0].minutes = 1e308),
    ],
    ['mix', 'products.0.demand', (input: Example) => (input.products[0].demand = 1e12)],
    ['report', 'operatingExpense', (input: Example) => (input.operatingExpense = 1e308)],
    [
      'schedule',
      'items.0.routing.0.setupMinutes',
      (input: Example) => (input.items[0].routing[0].setupMinutes = 1e9),
    ],
    ['schedule', 'orders.0.quantity', (input: Example) => (input.orders[0].quantity = 1e308)],
    ['schedule', 'orders.0.dueDate', (input: Example) => (input.orders[0].dueDate = '9999-12-31')],
    ['schedule', 'asOf', (input: Example) => (input.asOf = '9999-12-01')],
    ['time-buffers', 'orders.0.dueDate', (input: Example) => (input.orders[0].dueDate = '0001-01-01')],
    ['time-buffers', 'orders.0.bufferDays', (input: Example) => (input.orders[0].bufferDays = 1e9)],
  ])('%s: %s', async (name, fieldPath, mutate) => {
    const input = example(name);
    mutate(input);
    const error = await failureOf(name, input);
    expect(error).toMatchObject({ kind: 'invalid_data', fieldPath });
    expect(error.message).toContain(fieldPath);
  });

  it('schedule: refuses constraint work that would span more days than any plan', async () => {
    const input = example('schedule');
    input.constraint = 'CNC';
    input.resources[1] = { id: 'CNC', minutesPerDay: 1 };
    input.items[0].routing[1].setupMinutes = MAX_MINUTES;
    const error = await failureOf('schedule', input);
    expect(error).toMatchObject({
      kind: 'invalid_data',
      code: 'schedule_too_long',
      fieldPath: 'resources.1.minutesPerDay',
    });
    expect(error.message).toContain(`more than the ${MAX_DAYS} days`);
  });

  it.each(listTocCommands().map((command) => command.name))('%s: the example stays valid', async (name) => {
    await expect(executeTocCommand(findTocCommand(name), example(name))).resolves.toBeDefined();
  });
});

/** Replaces the list at a dotted path with `max + 1` copies of its first element (or `filler`). */
function overfill(input: Example, path: string, max: number, filler: unknown = {}): void {
  const keys = path.split('.');
  const last = keys.pop()!;
  const parent = keys.reduce((node, key) => (node[key] ??= {}), input);
  parent[last] = new Array(max + 1).fill(parent[last]?.[0] ?? filler);
}

describe('TOC lists longer than any real plant has are refused, naming the field', () => {
  const receipt = { date: '2026-03-20', quantity: 1 };
  it.each([
    ['schedule', 'resources', MAX_WORK_CENTERS],
    ['schedule', 'items', MAX_ITEMS],
    ['schedule', 'items.0.routing', MAX_RECORD_LINES],
    ['schedule', 'orders', MAX_ORDERS],
    ['schedule', 'calendar.holidays', MAX_DAYS],
    ['schedule', 'calendar.workingWeekdays', 7],
    ['buffers', 'items', MAX_ITEMS],
    ['buffers', 'items.0.demand', MAX_ITEM_LINES],
    ['buffers', 'items.0.incoming', MAX_ITEM_LINES],
    ['mix', 'resources', MAX_WORK_CENTERS],
    ['mix', 'products', MAX_ITEMS],
    ['mix', 'products.0.routing', MAX_RECORD_LINES],
    ['mix', 'products.0.costs', MAX_RECORD_LINES],
    ['mix', 'evaluate', MAX_ITEMS, { product: 'P', quantity: 1 }],
    ['report', 'sales', MAX_ORDERS],
    ['report', 'lateOrders', MAX_ORDERS, { id: 'SO-1', value: 1, daysLate: 1 }],
    ['report', 'inventory', MAX_ORDERS, { id: 'LOT-1', value: 1, ageDays: 1 }],
    ['quote', 'newOrders', MAX_ORDERS],
    ['time-buffers', 'orders', MAX_ORDERS],
    ['dlt', 'items', MAX_ITEMS],
    ['dlt', 'items.0.components', MAX_RECORD_LINES],
    ['dbm', 'onHand', MAX_DAYS],
    ['adu', 'moves', MAX_ITEM_LINES],
    ['adu', 'forecast', MAX_ITEM_LINES, receipt],
  ] as Array<[string, string, number, unknown?]>)('%s: %s over %d', async (name, fieldPath, max, filler) => {
    const input = example(name);
    overfill(input, fieldPath, max, filler);
    const error = await failureOf(name, input);
    expect(error).toMatchObject({ kind: 'invalid_data', fieldPath });
    expect(error.message).toContain(`${fieldPath}: Too big`);
    expect(error.message).toContain(String(max));
  });

  it('dbm: accepts an on-hand series of exactly the longest plan', async () => {
    const input = example('dbm');
    input.onHand = new Array(MAX_DAYS).fill(input.onHand[0]);
    await expect(executeTocCommand(findTocCommand('dbm'), input)).resolves.toBeDefined();
  });
});
