import { z } from 'zod';
import type { CanonicalEntity } from '../../connector/types.ts';
import type { Queryable } from '../../store/db.ts';
import { planWindowProblem } from '../calendar.ts';
import type { BufferColor } from '../time-buffers/time-buffers.ts';
import { asOfParam, defineTocService, positiveDayCount, runEngine } from './define.ts';
import { createLabels, loadEntity, type Skipped } from './load.ts';

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

/** A record whose time buffer ends on `dueDate`: a work order's due date, a sales order's promise date. */
export interface DueRecord {
  id: string;
  number?: string;
  dueDate?: string;
}

/**
 * Why a record gets no colour, or undefined when it can be measured. One due years away (never
 * closed in the ERP, a typo) is left out rather than refusing the colours of every other record.
 */
function unmeasurable(record: DueRecord, asOf: string): string | undefined {
  if (!record.dueDate) return 'no due date';
  const outside = planWindowProblem(asOf, record.dueDate);
  return outside ? `${record.number ?? record.id}: dueDate ${record.dueDate}: ${outside}` : undefined;
}

/**
 * Time-buffer penetration of `records` of `entity`, calendar of the constraint work center (else
 * the first one). The engine knows each record by its number; `refs` leads back to its id.
 */
export async function measureDueRecords<R extends DueRecord>(
  db: Queryable,
  params: z.output<typeof timeBufferParams>,
  entity: CanonicalEntity,
  records: R[],
  skipped: Skipped[] = [],
) {
  const labels = createLabels();
  const centers = await loadEntity(db, 'work_center', skipped);
  const center = centers.find((c) => c.body.isConstraint) ?? centers[0];
  const measured: R[] = [];
  for (const record of records) {
    const reason = unmeasurable(record, params.asOf);
    if (reason) skipped.push({ entity, id: record.id, reason });
    else measured.push(record);
  }
  const input = {
    asOf: params.asOf,
    calendar: center
      ? { workingWeekdays: center.body.calendar.workingWeekdays, holidays: center.body.calendar.holidays }
      : undefined,
    orders: measured.map((record) => ({
      id: labels.label(record.id, record.number),
      dueDate: record.dueDate!,
      bufferDays: params.bufferDays,
    })),
  };
  const result = await runEngine<TimeBufferAnswer>('time-buffers', input);
  return { input, result, refs: labels.refs, skipped, measured };
}

/** Time-buffer penetration of the open work orders (or only `ids`). */
export async function computeTimeBuffers(
  db: Queryable,
  params: z.output<typeof timeBufferParams>,
  ids?: string[],
) {
  const skipped: Skipped[] = [];
  const orders = await loadEntity(db, 'work_order', skipped);
  const open = orders.filter(
    (order) => openStatuses.has(order.body.status) && (!ids || ids.includes(order.id)),
  );
  const records = open.map((order) => ({ ...order, number: order.body.number, dueDate: order.body.dueDate }));
  return measureDueRecords(db, params, 'work_order', records, skipped);
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
