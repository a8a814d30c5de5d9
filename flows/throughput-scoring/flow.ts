import { HubError } from '../../core/errors/index.ts';
import { defineFlow, type RunInfo } from '../../core/flow/define.ts';
import { patchHubRecord, writeHubRecord } from '../../core/flow/golden-writes.ts';
import { flowFailureConnection } from '../../core/flow/runner.ts';
import { connectionForRole, writeLinkedNow, writeNow } from '../../core/flow/targets.ts';
import type { Opportunity } from '../../core/model/orders.ts';
import type { Db } from '../../core/store/db.ts';
import { recordFailure, resolveFailuresFor } from '../../core/sync/failures.ts';
import { type Loaded, loadEntity } from '../../core/toc/services/load.ts';
import { minutesOn, type Plant } from '../../core/toc/services/plant.ts';
import {
  computeThroughput,
  currencyMismatch,
  throughputParams,
  unitThroughput,
} from '../../core/toc/services/throughput-ranking.ts';
import { roundTo } from '../../core/toc/throughput/rounding.ts';

const SOURCE = 'flow:throughput-scoring';
const STEP = 'score';

/** A line left out of its deal's score: its throughput cannot be worked out. */
interface UnscoredLine {
  lineIndex: number;
  itemId: string;
  fieldPath: string;
  why: string;
  code: 'currency_mismatch' | 'missing_price_or_cost';
}

/** Why a line has no unit throughput: its price and cost are in two currencies, or either is missing. */
function unscoredLine(plant: Plant, line: Opportunity['lines'][number], lineIndex: number): UnscoredLine {
  const mismatch = currencyMismatch(plant, line.itemId, line.unitPrice);
  if (!mismatch) return missingPriceOrCost(plant, line, lineIndex);
  const priced = line.unitPrice ? 'priced' : 'priced at the list price';
  return {
    lineIndex,
    itemId: line.itemId,
    fieldPath: line.unitPrice ? `lines[${lineIndex}].unitPrice.currency` : `lines[${lineIndex}].itemId`,
    why: `${priced} in ${mismatch.price}, truly variable cost in ${mismatch.cost}`,
    code: 'currency_mismatch',
  };
}

/** A line with neither its own price nor the item's list price, or whose item has no truly variable cost. */
function missingPriceOrCost(
  plant: Plant,
  line: Opportunity['lines'][number],
  lineIndex: number,
): UnscoredLine {
  const item = plant.items.get(line.itemId)?.body;
  const name = `item ${item?.sku ?? line.itemId}`;
  const noPrice = !line.unitPrice && !item?.listPrice;
  const missing = [
    ...(noPrice ? [`no unit price and ${name} has no list price`] : []),
    ...(item?.trulyVariableCost ? [] : [`${name} has no truly variable cost`]),
  ];
  return {
    lineIndex,
    itemId: line.itemId,
    fieldPath: noPrice ? `lines[${lineIndex}].unitPrice` : `lines[${lineIndex}].itemId`,
    why: missing.join(', '),
    code: 'missing_price_or_cost',
  };
}

/**
 * Σ line throughput over Σ constraint minutes of the lines (setups included) that can be scored. A
 * line without a throughput adds neither: counting it as zero would still add its minutes.
 */
function scoreDeal(plant: Plant, constraintId: string | undefined, opportunity: Loaded<'opportunity'>) {
  let throughput = 0;
  let minutes = 0;
  const unscored: UnscoredLine[] = [];
  for (const [lineIndex, line] of opportunity.body.lines.entries()) {
    const perUnit = unitThroughput(plant, line.itemId, line.unitPrice);
    if (perUnit === undefined) {
      unscored.push(unscoredLine(plant, line, lineIndex));
      continue;
    }
    throughput += perUnit * line.quantity.value;
    minutes += constraintId
      ? minutesOn(plant.routings.get(line.itemId), constraintId, line.quantity.value)
      : 0;
  }
  return {
    opportunityId: opportunity.id,
    throughput: roundTo(throughput),
    constraintMinutes: roundTo(minutes),
    throughputPerConstraintMinute: minutes > 0 ? roundTo(throughput / minutes) : null,
    unscoredLines: unscored,
  };
}

/**
 * One failure per deal with unscored lines (value class: fix the price, the cost or its currency;
 * the code is the first line's); a deal whose lines all score again resolves its failure.
 */
async function fileUnscoredDeals(
  db: Db,
  run: RunInfo,
  deals: Array<ReturnType<typeof scoreDeal> & { version: number }>,
): Promise<void> {
  const connectionId = flowFailureConnection(run.flow);
  for (const deal of deals.filter((candidate) => candidate.unscoredLines.length > 0)) {
    const lines = deal.unscoredLines;
    const named = lines.map((line) => `${line.fieldPath} (${line.why})`).join('; ');
    const rates = lines.some((line) => line.code === 'currency_mismatch')
      ? '; the hub keeps no exchange rates'
      : '';
    await recordFailure(db, {
      connectionId,
      stream: STEP,
      direction: 'flow',
      canonicalId: deal.opportunityId,
      rawPayload: { entity: 'opportunity', id: deal.opportunityId, version: deal.version, lines },
      error: new HubError(
        'invalid_data',
        lines[0]!.code,
        `opportunity ${deal.opportunityId}: not scored: ${named}${rates}`,
        { fieldPath: lines[0]!.fieldPath },
      ),
      context: { flow: run.flow, runId: run.id, step: STEP },
    });
  }
  const scored = deals.filter((deal) => deal.unscoredLines.length === 0).map((deal) => deal.opportunityId);
  await resolveFailuresFor(db, { connectionId, stream: STEP, direction: 'flow', canonicalIds: scored });
}

/**
 * The deal's score on its golden record; a deal that cannot be scored (any more) loses the score it
 * had, so the CRM never shows a stale figure (outbound mappings send the absent score as null).
 * Undefined when there is nothing to write: no score now and none before.
 */
async function saveDealScore(db: Db, opportunityId: string, score: number | null) {
  const write = { entity: 'opportunity' as const, id: opportunityId, source: SOURCE };
  if (score !== null) return patchHubRecord(db, write, { throughputPerConstraintMinute: score });
  const saved = await writeHubRecord(db, write, (current) => {
    const { throughputPerConstraintMinute: _stale, ...rest } = current ?? {};
    return rest;
  });
  return saved.changed ? saved : undefined;
}

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
  .step(STEP, async ({ hub, run, settings }) => {
    const { plant, constraint, scores, skipped } = await computeThroughput(hub.store.db, settings);
    // A deal whose lines were all removed is scored too, when it has a score: it loses it.
    const opportunities = (await loadEntity(hub.store.db, 'opportunity', skipped)).filter(
      (o) =>
        o.body.stage !== 'won' &&
        o.body.stage !== 'lost' &&
        (o.body.lines.length > 0 || o.body.throughputPerConstraintMinute !== undefined),
    );
    const deals = opportunities.map((opportunity) => ({
      ...scoreDeal(plant, constraint?.id, opportunity),
      version: opportunity.version,
    }));
    await fileUnscoredDeals(hub.store.db, run, deals);
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
      const saved = await saveDealScore(hub.store.db, deal.opportunityId, deal.throughputPerConstraintMinute);
      if (saved) opportunities.push({ canonicalId: saved.id, version: saved.version });
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
