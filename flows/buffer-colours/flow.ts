import { z } from 'zod';
import { defineFlow } from '../../core/flow/define.ts';
import type { Queryable } from '../../core/store/db.ts';
import { today } from '../../core/toc/services/load.ts';
import { computeTimeBuffers } from '../../core/toc/services/time-buffer-board.ts';
import type { BufferColor } from '../../core/toc/time-buffers/time-buffers.ts';
import { productionTimeBuffer, saveAndWriteChanged } from './changed-colours.ts';

const SOURCE = 'flow:buffer-colours';

interface Recoloured {
  workOrderId: string;
  was: BufferColor | null;
  color: BufferColor;
  penetrationPct: number;
}

/** The open work orders whose colour today differs from the one they carry. */
async function measureWorkOrders(db: Queryable, asOf: string) {
  const params = await productionTimeBuffer(db, asOf);
  const { result, refs, skipped, measured } = await computeTimeBuffers(db, params);
  const carried = new Map(measured.map((order) => [order.id, order.body.bufferColor ?? null]));
  const recoloured = result.orders.flatMap((order): Recoloured[] => {
    const workOrderId = refs[order.id]!;
    const was = carried.get(workOrderId) ?? null;
    if (was === order.color) return [];
    return [{ workOrderId, was, color: order.color, penetrationPct: order.penetrationPct }];
  });
  return { asOf, bufferDays: params.bufferDays, counts: result.counts, recoloured, skipped };
}

/**
 * Time-buffer penetration grows with the calendar alone: an order green yesterday is red today
 * without any event. Every hour the open work orders are measured again, and only those whose
 * colour changed are saved and written to the ERP (an unchanged colour writes nothing).
 */
export const bufferColours = defineFlow({
  name: 'buffer-colours',
  summary:
    'Time-buffer colours of the open work orders measured again every hour → ERP, where a colour changed',
  trigger: { kind: 'cron', cron: '0 * * * *' },
  writesTo: ['erp'],
  settings: z.object({}),
})
  .step('measure', async ({ hub }) => measureWorkOrders(hub.store.db, today()))
  .step('recolour', async ({ hub, outputs }) => {
    const changes = outputs.measure.recoloured.map((change) => ({
      id: change.workOrderId,
      patch: { bufferColor: change.color, bufferPenetrationPct: change.penetrationPct },
    }));
    const target = { role: 'erp', entity: 'work_order', source: SOURCE, field: 'bufferColor' } as const;
    return { erpWorkOrders: await saveAndWriteChanged(hub, target, changes) };
  })
  .build();
