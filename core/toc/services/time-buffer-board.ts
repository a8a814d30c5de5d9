import { z } from 'zod';
import type { Queryable } from '../../store/db.ts';
import { planWindowProblem } from '../calendar.ts';
import type { BufferColor } from '../time-buffers/time-buffers.ts';
import { asOfParam, defineTocService, positiveDayCount, runEngine } from './define.ts';
import { createLabels, type Loaded, loadEntity, type Skipped } from './load.ts';

export const timeBufferParams = z.object({
  asOf: asOfParam,
  /** Length of each work order's time buffer in working days. */
  bufferDays: positiveDayCount(8),
});

export interface TimeBufferAnswer {
  counts: Record<BufferColor, number>;
  orders: Array<{
    id: string;
    dueDate: string;
    penetrationPct: number;
    color: BufferColor;
    remainingDays: number;
  }>;
}

const openStatuses = new Set(['planned', 'released', 'in_progress']);

/**
 * Why a work order gets no colour, or undefined when it can be measured. One due years away (never
 * closed in the ERP, a typo) is left out rather than refusing the colours of every other order.
 */
function unmeasurable(order: Loaded<'work_order'>, asOf: string): string | undefined {
  if (!order.body.dueDate) return 'no due date';
  const outside = planWindowProblem(asOf, order.body.dueDate);
  return outside ? `${order.body.number ?? order.id}: dueDate ${order.body.dueDate}: ${outside}` : undefined;
}

/** Time-buffer penetration of the open work orders (or only `ids`), calendar of the constraint work center. */
export async function computeTimeBuffers(
  db: Queryable,
  params: z.output<typeof timeBufferParams>,
  ids?: string[],
) {
  const skipped: Skipped[] = [];
  const labels = createLabels();
  const [orders, centers] = await Promise.all([
    loadEntity(db, 'work_order', skipped),
    loadEntity(db, 'work_center', skipped),
  ]);
  const center = centers.find((c) => c.body.isConstraint) ?? centers[0];
  const open = orders.filter(
    (order) => openStatuses.has(order.body.status) && (!ids || ids.includes(order.id)),
  );
  const dated: Array<Loaded<'work_order'>> = [];
  for (const order of open) {
    const reason = unmeasurable(order, params.asOf);
    if (reason) skipped.push({ entity: 'work_order', id: order.id, reason });
    else dated.push(order);
  }
  const input = {
    asOf: params.asOf,
    calendar: center
      ? { workingWeekdays: center.body.calendar.workingWeekdays, holidays: center.body.calendar.holidays }
      : undefined,
    orders: dated.map((order) => ({
      id: labels.label(order.id, order.body.number),
      dueDate: order.body.dueDate!,
      bufferDays: params.bufferDays,
    })),
  };
  const result = await runEngine<TimeBufferAnswer>('time-buffers', input);
  return { input, result, refs: labels.refs, skipped, measured: dated };
}

export const timeBufferService = defineTocService({
  name: 'time-buffers',
  summary: 'Time-buffer colours of the open work orders, for dispatch',
  engine: 'time-buffers',
  params: timeBufferParams,
  async run(db, params) {
    const { input, result, refs, skipped } = await computeTimeBuffers(db, params);
    return {
      asOf: params.asOf,
      input,
      result,
      refs,
      skipped,
    };
  },
});
