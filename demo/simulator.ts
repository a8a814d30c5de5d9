import { en, Faker } from '@faker-js/faker';
import { isHubError } from '../core/errors/index.ts';
import { logger } from '../core/log/logger.ts';
import type { Hub } from '../core/runtime/hub.ts';
import { runSync } from '../core/sync/run-sync.ts';
import { demoConnectionIds } from './connections.ts';
import { addDays, type DemoData } from './data/generate.ts';
import { insertOpportunity } from './data/seed-salesforce.ts';
import { stampHubIds } from './hub-ids.ts';
import type { DemoSandboxes } from './sandboxes.ts';

const odooNow = () => new Date().toISOString().slice(0, 19).replace('T', ' ');

/** One round of business: a deal won, stock consumed, a receipt arriving, a supplier slipping. */
export function simulateRound(faker: Faker, data: DemoData, sandboxes: DemoSandboxes): string[] {
  const { salesforce, odoo, portal } = sandboxes;
  const events: string[] = [];
  const today = new Date().toISOString().slice(0, 10);
  const open = salesforce.org.rows('Opportunity', false).filter((row) => row.IsClosed !== true);
  if (open.length > 0) {
    const won = faker.helpers.arrayElement(open);
    salesforce.org.update('Opportunity', won.Id, {
      StageName: 'Closed Won',
      CloseDate: today,
      Probability: 100,
    });
    events.push(`deal won: ${String(won.Name)}`);
  }
  const prospect = faker.helpers.arrayElement(data.opportunities);
  const created = insertOpportunity(
    salesforce.org,
    { ...prospect, name: `${prospect.name} (repeat)`, stage: 'Qualification', closeDate: addDays(today, 30) },
    sandboxes.salesforceIds.accountIds,
    sandboxes.salesforceIds.productIds,
  );
  events.push(`new opportunity: ${String(created.Name)}`);
  const quants = odoo.db.search('stock.quant', [['quantity', '>', 0]], {});
  if (quants.length > 0) {
    const quant = faker.helpers.arrayElement(quants);
    const used = Math.max(
      1,
      Math.round(Number(quant.quantity) * faker.number.float({ min: 0.05, max: 0.2 })),
    );
    odoo.db.write('stock.quant', [quant.id], { quantity: Number(quant.quantity) - used });
    events.push(`stock consumed: ${used} of product ${String(quant.product_id)}`);
  }
  const pending = odoo.db.search('purchase.order', [['receipt_status', '=', 'pending']], {});
  if (pending.length > 0) {
    const order = faker.helpers.arrayElement(pending);
    for (const line of odoo.db.search('purchase.order.line', [['order_id', '=', order.id]], {})) {
      odoo.db.write('purchase.order.line', [line.id], { qty_received: line.product_qty });
      const [quant] = odoo.db.search('stock.quant', [['product_id', '=', line.product_id]], { limit: 1 });
      if (quant)
        odoo.db.write('stock.quant', [quant.id], {
          quantity: Number(quant.quantity) + Number(line.product_qty),
        });
    }
    odoo.db.write('purchase.order', [order.id], { receipt_status: 'full', date_approve: odooNow() });
    const portalOrder = portal.list('purchase-orders').find((row) => row.number === order.name);
    if (portalOrder) portal.put('purchase-orders', { ...portalOrder, status: 'received' });
    events.push(`receipt arrived: ${String(order.name)}`);
  }
  const late = data.suppliers
    .filter((supplier) => supplier.lateness > 0.5)
    .map((supplier) => supplier.portalId);
  const slipping = portal
    .list('purchase-orders')
    .filter((row) => late.includes(String(row.supplier_id)) && row.status !== 'received');
  if (slipping.length > 0) {
    const order = faker.helpers.arrayElement(slipping);
    const lines = (order.lines as Array<{ promised_date: string }>).map((line) => ({
      ...line,
      promised_date: addDays(line.promised_date, 3),
    }));
    portal.put('purchase-orders', { ...order, lines });
    events.push(`supplier late: ${String(order.number)} promised 3 days later`);
  }
  return events;
}

const followUps = [
  { connectionId: demoConnectionIds.salesforce, stream: 'opportunities' },
  { connectionId: demoConnectionIds.odoo, stream: 'stock_levels' },
  { connectionId: demoConnectionIds.odoo, stream: 'purchase_orders' },
];

/** Runs a round every `intervalMs` and syncs what it touched, until stopped. */
export function startSimulator(
  hub: Hub,
  data: DemoData,
  sandboxes: DemoSandboxes,
  options: { seed: number; intervalMs: number; onEvents?: (events: string[]) => void },
) {
  const faker = new Faker({ locale: [en], seed: options.seed + 1 });
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const round = async () => {
    const events = simulateRound(faker, data, sandboxes);
    options.onEvents?.(events);
    for (const target of followUps) {
      if (stopped) return;
      await runSync(hub, target).catch((error: unknown) => {
        if (!(isHubError(error) && error.code === 'stream_busy'))
          logger.warn('demo sync failed', { ...target, error });
      });
    }
    await stampHubIds(hub.store.db, sandboxes.salesforce.org, demoConnectionIds.salesforce);
  };
  const schedule = () => {
    timer = setTimeout(() => {
      running = round()
        .catch((error: unknown) => {
          logger.warn('demo round failed', { error });
        })
        .finally(() => {
          if (!stopped) schedule();
        });
    }, options.intervalMs);
  };
  schedule();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
