import { defineFlow } from '../../core/flow/define.ts';
import { patchHubRecord, writeHubRecord } from '../../core/flow/golden-writes.ts';
import { connectionForRole, writeLinkedNow, writeNow } from '../../core/flow/targets.ts';
import { loadEntity } from '../../core/toc/services/load.ts';
import { minutesOn } from '../../core/toc/services/plant.ts';
import {
  computeThroughput,
  throughputParams,
  unitThroughput,
} from '../../core/toc/services/throughput-ranking.ts';
import { roundTo } from '../../core/toc/throughput/rounding.ts';

const SOURCE = 'flow:throughput-scoring';

/**
 * Throughput per minute of the current constraint: per product to the CRM products, per open
 * opportunity (its lines' T over their constraint minutes, setups included) to the opportunity.
 */
export const throughputScoring = defineFlow({
  name: 'throughput-scoring',
  summary: 'T per constraint minute per product and per open opportunity → CRM',
  trigger: { kind: 'cron', cron: '0 * * * *' },
  writesTo: ['crm'],
  settings: throughputParams,
})
  .step('score', async ({ hub, settings }) => {
    const { plant, constraint, scores, skipped } = await computeThroughput(hub.store.db, settings);
    const opportunities = (await loadEntity(hub.store.db, 'opportunity', skipped)).filter(
      (o) => o.body.stage !== 'won' && o.body.stage !== 'lost' && o.body.lines.length > 0,
    );
    const deals = opportunities.map((opportunity) => {
      let throughput = 0;
      let minutes = 0;
      for (const line of opportunity.body.lines) {
        throughput += (unitThroughput(plant, line.itemId, line.unitPrice) ?? 0) * line.quantity.value;
        minutes += constraint
          ? minutesOn(plant.routings.get(line.itemId), constraint.id, line.quantity.value)
          : 0;
      }
      return {
        opportunityId: opportunity.id,
        throughput: roundTo(throughput),
        constraintMinutes: roundTo(minutes),
        throughputPerConstraintMinute: minutes > 0 ? roundTo(throughput / minutes) : null,
      };
    });
    return { constraint: constraint ?? null, products: scores, opportunities: deals };
  })
  .step('annotate', async ({ hub, outputs }) => {
    const items = [];
    for (const score of outputs.score.products) {
      const saved = await writeHubRecord(
        hub.store.db,
        { entity: 'item', id: score.itemId, source: SOURCE },
        (current) => ({
          ...current,
          toc: {
            ...(current?.toc as object),
            throughputPerConstraintMinute: score.throughputPerConstraintMinute,
            constraint: outputs.score.constraint?.label ?? null,
          },
        }),
      );
      items.push({ canonicalId: saved.id, version: saved.version });
    }
    const opportunities = [];
    for (const deal of outputs.score.opportunities) {
      if (deal.throughputPerConstraintMinute === null) continue;
      const saved = await patchHubRecord(
        hub.store.db,
        { entity: 'opportunity', id: deal.opportunityId, source: SOURCE },
        { throughputPerConstraintMinute: deal.throughputPerConstraintMinute },
      );
      opportunities.push({ canonicalId: saved.id, version: saved.version });
    }
    return { items, opportunities };
  })
  .step('write-to-crm', async ({ hub, outputs }) => {
    const crm = await connectionForRole(hub, 'crm');
    const { items, opportunities } = outputs.annotate;
    // Only the products the CRM sells: items it never had are not created there.
    const products = await writeLinkedNow(hub, crm, 'item', items);
    const deals = await writeNow(hub, crm, 'opportunity', opportunities);
    return { crmProducts: Object.fromEntries(products), crmOpportunities: Object.fromEntries(deals) };
  })
  .build();
