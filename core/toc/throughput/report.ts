import { z } from 'zod';
import { defineTocCommand } from '../command.ts';
import { MAX_DAYS, MAX_MONEY, MAX_ORDERS, MAX_QUANTITY } from '../limits.ts';
import { roundTo } from './rounding.ts';

const money = z.number().max(MAX_MONEY);
// A century: old stock outlives any plan.
const ageDays = z
  .number()
  .int()
  .nonnegative()
  .max(10 * MAX_DAYS);

export const reportInputSchema = z.object({
  sales: z
    .array(
      z.object({
        product: z.string().min(1),
        quantity: z.number().nonnegative().max(MAX_QUANTITY),
        price: money.nonnegative(),
        tvc: money.nonnegative(),
      }),
    )
    .max(MAX_ORDERS),
  operatingExpense: money.positive(),
  investment: money.positive(),
  /** Orders past their due date: `value` is the order's throughput dollars. */
  lateOrders: z
    .array(
      z.object({
        id: z.string().min(1),
        value: money.nonnegative(),
        daysLate: ageDays,
      }),
    )
    .max(MAX_ORDERS)
    .optional(),
  /** Inventory on hand: `value` in dollars, `ageDays` since it entered the plant. */
  inventory: z
    .array(
      z.object({
        id: z.string().min(1),
        value: money.nonnegative(),
        ageDays,
      }),
    )
    .max(MAX_ORDERS)
    .optional(),
});
export type ReportInput = z.output<typeof reportInputSchema>;

/** Dollars × days: how much money waited how long (late orders, or inventory on hand). */
function sumDollarDays(records: ReadonlyArray<{ value: number; days: number }>): number {
  return roundTo(records.reduce((sum, record) => sum + record.value * record.days, 0));
}

/** Throughput accounting for a period: T, NP, ROI, productivity, turns and the dollar-days. */
export function reportThroughput(input: ReportInput) {
  const throughput = input.sales.reduce((sum, line) => sum + line.quantity * (line.price - line.tvc), 0);
  const netProfit = throughput - input.operatingExpense;
  const late = input.lateOrders;
  const inventory = input.inventory;
  return {
    throughput: roundTo(throughput),
    operatingExpense: input.operatingExpense,
    netProfit: roundTo(netProfit),
    roi: roundTo(netProfit / input.investment, 4),
    productivity: roundTo(throughput / input.operatingExpense, 4),
    investmentTurns: roundTo(throughput / input.investment, 4),
    ...(late
      ? { throughputDollarDays: sumDollarDays(late.map((o) => ({ value: o.value, days: o.daysLate }))) }
      : {}),
    ...(inventory
      ? { inventoryDollarDays: sumDollarDays(inventory.map((i) => ({ value: i.value, days: i.ageDays }))) }
      : {}),
  };
}

export const reportCommand = defineTocCommand({
  name: 'report',
  summary: 'Throughput accounting report: T, net profit, ROI, productivity, investment turns, dollar-days',
  input: reportInputSchema,
  run: reportThroughput,
});
