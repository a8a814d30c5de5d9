import { z } from 'zod';
import { HubError } from '../../core/errors/index.ts';
import { markDelivery, saveAlerts } from '../../core/flow/alerts.ts';
import { defineFlow } from '../../core/flow/define.ts';
import { deterministicId } from '../../core/flow/golden-writes.ts';
import { today } from '../../core/toc/services/load.ts';
import { computeSupplierOtif, otifParams } from '../../core/toc/services/supplier-otif.ts';

const settings = otifParams.omit({ asOf: true }).extend({
  /** Alerts are POSTed here as JSON; without it they only show in the API and the UI. */
  webhookUrl: z.url().optional(),
  /** Which levels raise an alert. */
  alertLevels: z.array(z.enum(['green', 'yellow', 'red'])).default(['yellow', 'red']),
});

/** Receipts against promised dates → on-time-in-full % per supplier → alerts to a webhook and the alert list. */
export const supplierPerformance = defineFlow({
  name: 'supplier-performance',
  summary: 'On-time-in-full % per supplier with green / yellow / red alerts to a webhook and the UI',
  trigger: { kind: 'cron', cron: '0 7 * * *' },
  writesTo: [],
  settings,
})
  .step('measure', async ({ hub, settings }) => {
    const asOf = today();
    const { suppliers } = await computeSupplierOtif(hub.store.db, { ...settings, asOf });
    return { asOf, suppliers };
  })
  .step('raise-alerts', async ({ hub, outputs, settings, run, key }) => {
    const { asOf, suppliers } = outputs.measure;
    const alerts = suppliers
      .filter((supplier) => settings.alertLevels.includes(supplier.level))
      .map((supplier) => ({
        id: deterministicId(key('alert'), supplier.supplierId),
        flow: run.flow,
        runId: run.id,
        subjectId: supplier.supplierId,
        subject: supplier.supplier,
        level: supplier.level,
        message: `${supplier.supplier}: ${supplier.otifPct}% on time in full (${supplier.onTimeInFull} of ${supplier.lines} lines) as of ${asOf}`,
        payload: { ...supplier, asOf },
        delivery: settings.webhookUrl ? ('pending' as const) : ('none' as const),
      }));
    await saveAlerts(hub.store.db, alerts);
    return {
      alerts: alerts.map(({ id, subjectId, subject, level, message, payload }) => ({
        id,
        subjectId,
        subject,
        level,
        message,
        otifPct: payload.otifPct,
      })),
    };
  })
  .step('deliver-webhook', async ({ hub, outputs, settings, run }) => {
    const { alerts } = outputs['raise-alerts'];
    if (!settings.webhookUrl || alerts.length === 0) return { delivered: 0 };
    const ids = alerts.map((alert) => alert.id);
    const response = await fetch(settings.webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': `flow-run-${run.id}` },
      body: JSON.stringify({ flow: run.flow, runId: run.id, asOf: outputs.measure.asOf, alerts }),
      signal: AbortSignal.timeout(10_000),
    }).catch((error: unknown) => {
      throw new HubError(
        'transient',
        'webhook_unreachable',
        `alert webhook ${settings.webhookUrl} unreachable: ${(error as Error).message}`,
      );
    });
    if (!response.ok) {
      await markDelivery(hub.store.db, ids, { delivered: false, error: `HTTP ${response.status}` });
      throw new HubError(
        'transient',
        `http_${response.status}`,
        `alert webhook answered HTTP ${response.status}`,
      );
    }
    await markDelivery(hub.store.db, ids, { delivered: true });
    return { delivered: alerts.length };
  })
  .build();
