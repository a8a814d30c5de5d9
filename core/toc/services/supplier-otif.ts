import { z } from 'zod';
import type { Queryable } from '../../store/db.ts';
import { addDays } from '../calendar.ts';
import { roundTo } from '../throughput/rounding.ts';
import { asOfParam, defineTocService, positiveDayCount } from './define.ts';
import { createLabels, loadEntity, type Skipped } from './load.ts';

export const otifParams = z.object({
  asOf: asOfParam,
  /** Lines promised within this many days before asOf count. */
  windowDays: positiveDayCount(90),
  greenPct: z.coerce.number().min(0).max(100).default(95),
  yellowPct: z.coerce.number().min(0).max(100).default(85),
});
export type OtifParams = z.output<typeof otifParams>;

export type AlertLevel = 'green' | 'yellow' | 'red';

export interface SupplierOtif {
  supplierId: string;
  supplier: string;
  lines: number;
  onTime: number;
  inFull: number;
  onTimeInFull: number;
  otifPct: number;
  level: AlertLevel;
}

export function levelOf(pct: number, params: Pick<OtifParams, 'greenPct' | 'yellowPct'>): AlertLevel {
  if (pct >= params.greenPct) return 'green';
  return pct >= params.yellowPct ? 'yellow' : 'red';
}

/**
 * On-time-in-full per supplier over purchase-order lines promised in the window: on time when
 * received on or before the promised date, in full when the received quantity covers the line.
 * A line past its promised date and not received counts as neither.
 */
export async function computeSupplierOtif(db: Queryable, params: OtifParams) {
  const skipped: Skipped[] = [];
  const labels = createLabels();
  const [suppliers, orders] = await Promise.all([
    loadEntity(db, 'supplier', skipped),
    loadEntity(db, 'purchase_order', skipped),
  ]);
  const names = new Map(suppliers.map((s) => [s.id, s.body.name]));
  const from = addDays(params.asOf, -params.windowDays);
  const tally = new Map<string, { lines: number; onTime: number; inFull: number; both: number }>();
  for (const order of orders) {
    if (order.body.status === 'cancelled' || order.body.status === 'draft') continue;
    for (const line of order.body.lines) {
      if (!line.promisedDate || line.promisedDate < from || line.promisedDate > params.asOf) continue;
      const onTime = line.receivedDate !== undefined && line.receivedDate <= line.promisedDate;
      const inFull = (line.receivedQuantity?.value ?? 0) >= line.quantity.value;
      const count = tally.get(order.body.supplierId) ?? { lines: 0, onTime: 0, inFull: 0, both: 0 };
      count.lines += 1;
      count.onTime += onTime ? 1 : 0;
      count.inFull += inFull ? 1 : 0;
      count.both += onTime && inFull ? 1 : 0;
      tally.set(order.body.supplierId, count);
    }
  }
  const result: SupplierOtif[] = [...tally.entries()].map(([supplierId, count]) => {
    const otifPct = roundTo((count.both / count.lines) * 100);
    return {
      supplierId,
      supplier: labels.label(supplierId, names.get(supplierId)),
      lines: count.lines,
      onTime: count.onTime,
      inFull: count.inFull,
      onTimeInFull: count.both,
      otifPct,
      level: levelOf(otifPct, params),
    };
  });
  result.sort((a, b) => a.otifPct - b.otifPct || a.supplier.localeCompare(b.supplier));
  return { suppliers: result, refs: labels.refs, skipped };
}

export const supplierOtifService = defineTocService({
  name: 'supplier-performance',
  summary: 'On-time-in-full % per supplier with green / yellow / red levels',
  engine: 'otif',
  params: otifParams,
  async run(db, params) {
    const { suppliers, refs, skipped } = await computeSupplierOtif(db, params);
    return {
      asOf: params.asOf,
      input: params,
      result: { suppliers },
      refs,
      skipped,
    };
  },
});
