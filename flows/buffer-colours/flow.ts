import { z } from 'zod';
import { defineFlow } from '../../core/flow/define.ts';
import { patchHubRecord } from '../../core/flow/golden-writes.ts';
import { loadFlowSettings } from '../../core/flow/settings.ts';
import { connectionForRole, writeLinkedNow } from '../../core/flow/targets.ts';
import type { Db } from '../../core/store/db.ts';
import { today } from '../../core/toc/services/load.ts';
import { computeTimeBuffers } from '../../core/toc/services/time-buffer-board.ts';
import type { BufferColor } from '../../core/toc/time-buffers/time-buffers.ts';
import { orderToProduction, timeBufferDaysOf } from '../order-to-production/flow.ts';

const SOURCE = 'flow:buffer-colours';

interface Recoloured {
  workOrderId: string;
  was: BufferColor | null;
  color: BufferColor;
  penetrationPct: number;
}

/**
 * The open work orders whose colour today differs from the one they carry. The buffer is
 * order-to-production's, so both flows give an order the same colour on the same day.
 */
async function measureWorkOrders(db: Db, asOf: string) {
  const { settings } = await loadFlowSettings(db, orderToProduction);
  const bufferDays = timeBufferDaysOf(settings);
  const { result, refs, skipped, measured } = await computeTimeBuffers(db, { asOf, bufferDays });
  const carried = new Map(measured.map((order) => [order.id, order.body.bufferColor ?? null]));
  const recoloured = result.orders.flatMap((order): Recoloured[] => {
    const workOrderId = refs[order.id]!;
    const was = carried.get(workOrderId) ?? null;
    if (was === order.color) return [];
    return [{ workOrderId, was, color: order.color, penetrationPct: order.penetrationPct }];
  });
  return { asOf, bufferDays, counts: result.counts, recoloured, skipped };
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
    // Before any colour is saved: a paused ERP halts the run with nothing saved, so the next tick
    // still finds the change and writes it.
    const erp = await connectionForRole(hub, 'erp');
    const saved = [];
    for (const change of outputs.measure.recoloured) {
      const record = await patchHubRecord(
        hub.store.db,
        { entity: 'work_order', id: change.workOrderId, source: SOURCE },
        { bufferColor: change.color, bufferPenetrationPct: change.penetrationPct },
      );
      saved.push({ canonicalId: record.id, version: record.version });
    }
    // Only the work orders the ERP has: one order-to-production has yet to write is written by it.
    const written = await writeLinkedNow(hub, erp, 'work_order', saved);
    return { erpWorkOrders: Object.fromEntries(written) };
  })
  .build();
