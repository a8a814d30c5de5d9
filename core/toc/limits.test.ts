import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hubErrorOf } from '../../tests/support/hub-error-of.ts';
import type { HubError } from '../errors/index.ts';
import { executeTocCommand } from './command.ts';
import { MAX_DAYS, MAX_MINUTES } from './limits.ts';
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
