import { z } from 'zod';
import { HubError } from '../../errors/index.ts';
import type { Queryable } from '../../store/db.ts';
import { planWindowProblem } from '../calendar.ts';
import type { ScheduleInput } from '../dbr/schedule-schema.ts';
import { asOfParam, dayCount, defineTocService, runEngine } from './define.ts';
import { lineLabel, loadOpenOrderLines, type OpenLine } from './demand.ts';
import type { Skipped } from './load.ts';
import { itemLabel, loadPlant, type Plant } from './plant.ts';

export const scheduleParams = z.object({
  asOf: asOfParam,
  shippingBufferDays: dayCount(3),
  constraintBufferDays: dayCount(5),
});
export type ScheduleParams = z.output<typeof scheduleParams>;

export interface ScheduledLine extends OpenLine {
  label: string;
}

export interface DrumSchedule {
  constraint: string;
  drum: unknown[];
  orders: Array<{
    id: string;
    dueDate: string;
    releaseDate: string;
    plannedShipDate: string;
    late: boolean;
    constraintStart?: string;
  }>;
}

/**
 * Why an open line is left out of the schedule, or undefined when it can be scheduled. A line due
 * years away (an order never closed in the ERP, a typo) is left out rather than refusing the
 * schedule of every other order.
 */
function unschedulable(plant: Plant, line: OpenLine, asOf: string): string | undefined {
  if (!plant.routings.has(line.itemId)) return `item ${line.itemId} has no routing`;
  if (!line.dueDate) return 'no due, promise or requested date';
  const outside = planWindowProblem(asOf, line.dueDate);
  return outside ? `due date ${line.dueDate}: ${outside}` : undefined;
}

/** The schedule engine's input from the open order lines that can be scheduled. */
export function buildScheduleInput(
  plant: Plant,
  lines: OpenLine[],
  params: ScheduleParams,
  skipped: Skipped[],
) {
  const perOrder = new Map<string, number>();
  for (const line of lines) perOrder.set(line.salesOrderId, (perOrder.get(line.salesOrderId) ?? 0) + 1);
  const scheduled: ScheduledLine[] = [];
  for (const line of lines) {
    const label = plant.labels.label(
      `${line.salesOrderId}#${line.lineIndex}`,
      lineLabel(line, perOrder.get(line.salesOrderId)!),
    );
    const reason = unschedulable(plant, line, params.asOf);
    if (reason) skipped.push({ entity: 'sales_order', id: line.salesOrderId, reason: `${label}: ${reason}` });
    else if (line.quantity > 0) scheduled.push({ ...line, label });
  }
  const itemIds = [...new Set(scheduled.map((line) => line.itemId))];
  const input: ScheduleInput = {
    asOf: params.asOf,
    calendar: plant.calendar,
    resources: plant.workCenters.map((center) => ({
      id: plant.labels.label(center.id, center.body.code),
      minutesPerDay: center.body.minutesPerDay,
    })),
    items: itemIds.map((itemId) => ({
      id: itemLabel(plant, itemId),
      routing: plant.routings.get(itemId)!.map((op) => ({
        resource: plant.labels.of(op.workCenterId)!,
        setupMinutes: op.setupMinutes,
        minutesPerUnit: op.runMinutesPerUnit,
      })),
    })),
    orders: scheduled.map((line) => ({
      id: line.label,
      item: itemLabel(plant, line.itemId),
      quantity: line.quantity,
      dueDate: line.dueDate!,
    })),
    shippingBufferDays: params.shippingBufferDays,
    constraintBufferDays: params.constraintBufferDays,
    constraint: plant.flagged ? plant.labels.of(plant.flagged.id) : undefined,
  };
  return { input, scheduled };
}

/** The drum schedule of the open orders, with the lines it scheduled (for flows that write results back). */
export async function computeDrumSchedule(db: Queryable, params: ScheduleParams) {
  const plant = await loadPlant(db);
  if (plant.workCenters.length === 0)
    throw new HubError(
      'not_found',
      'no_work_centers',
      'No work centers have been synced yet: the drum schedule needs them',
    );
  const skipped = [...plant.skipped];
  const { lines } = await loadOpenOrderLines(db, skipped);
  const { input, scheduled } = buildScheduleInput(plant, lines, params, skipped);
  const result = await runEngine<DrumSchedule>('schedule', input);
  return { plant, input, result, scheduled, skipped };
}

export const drumScheduleService = defineTocService({
  name: 'drum-schedule',
  summary: 'DBR drum schedule and rope release dates of the open sales orders',
  engine: 'schedule',
  params: scheduleParams,
  async run(db, params) {
    const { plant, input, result, skipped } = await computeDrumSchedule(db, params);
    return {
      asOf: params.asOf,
      input,
      result,
      refs: plant.labels.refs,
      skipped,
    };
  },
});
