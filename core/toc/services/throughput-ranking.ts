import { z } from 'zod';
import { HubError } from '../../errors/index.ts';
import type { Queryable } from '../../store/db.ts';
import { roundTo } from '../throughput/rounding.ts';
import { defineTocService, positiveDayCount, runEngine } from './define.ts';
import { loadOpenOrderLines } from './demand.ts';
import { loadEntity, majorUnits, type Skipped, today } from './load.ts';
import { inOneCurrency } from './mix-currency.ts';
import { itemLabel, loadPlant, type Plant, runMinutesOn } from './plant.ts';

export const throughputParams = z.object({
  /** Working days of capacity the mix is planned over. */
  horizonDays: positiveDayCount(20),
  /** In the mix's currency. */
  operatingExpense: z.coerce.number().nonnegative().default(0),
  /** The currency the mix is ranked in (ISO 4217); by default the one most products are priced in. */
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, 'an ISO 4217 currency code such as EUR')
    .optional(),
});

export interface ProductScore {
  itemId: string;
  /** Of the price and the truly variable cost, and so of the throughput. */
  currency: string;
  throughputPerUnit: number;
  constraintMinutesPerUnit: number;
  /** Null when the product does not touch the constraint. */
  throughputPerConstraintMinute: number | null;
}

type Money = { amountMinor: number; currency: string };

/** The price a line sells at (its own, else the item's list price) and the item's truly variable cost. */
function priceAndCost(plant: Plant, itemId: string, price?: Money) {
  const item = plant.items.get(itemId)?.body;
  return { sell: price ?? item?.listPrice, cost: item?.trulyVariableCost };
}

/**
 * Price and truly variable cost in two currencies: the hub keeps no exchange rates, so such a
 * throughput cannot be computed. Undefined when both are in one currency (or either is missing).
 */
export function currencyMismatch(
  plant: Plant,
  itemId: string,
  price?: Money,
): { price: string; cost: string } | undefined {
  const { sell, cost } = priceAndCost(plant, itemId, price);
  if (!sell || !cost || sell.currency === cost.currency) return undefined;
  return { price: sell.currency, cost: cost.currency };
}

/** Price minus truly variable cost per unit, in major units; undefined when either is missing or their currencies differ. */
export function unitThroughput(plant: Plant, itemId: string, price?: Money): number | undefined {
  const { sell, cost } = priceAndCost(plant, itemId, price);
  if (!sell || !cost || sell.currency !== cost.currency) return undefined;
  return majorUnits(sell) - majorUnits(cost);
}

function unscoredReason(plant: Plant, itemId: string, routed: boolean): string {
  if (!routed) return 'no routing';
  const mismatch = currencyMismatch(plant, itemId);
  if (mismatch)
    return `list price in ${mismatch.price}, truly variable cost in ${mismatch.cost}: no exchange rate to compare them`;
  return 'no list price or truly variable cost';
}

/** Units of each item wanted by open sales orders and open opportunities. */
async function loadDemand(db: Queryable, skipped: Skipped[]): Promise<Map<string, number>> {
  const { lines } = await loadOpenOrderLines(db, skipped);
  const opportunities = (await loadEntity(db, 'opportunity', skipped)).filter(
    (o) => o.body.stage !== 'won' && o.body.stage !== 'lost',
  );
  const demand = new Map<string, number>();
  for (const line of [
    ...lines,
    ...opportunities.flatMap((o) =>
      o.body.lines.map((l) => ({ itemId: l.itemId, quantity: l.quantity.value })),
    ),
  ]) {
    demand.set(line.itemId, (demand.get(line.itemId) ?? 0) + line.quantity);
  }
  return demand;
}

/** Every routed item with a price and a truly variable cost in one currency, as a mix product. */
function costedProducts(plant: Plant, demand: Map<string, number>, skipped: Skipped[]) {
  const candidates = [];
  for (const item of plant.items.values()) {
    const throughput = unitThroughput(plant, item.id);
    const routing = plant.routings.get(item.id);
    if (throughput === undefined || !routing) {
      if (item.body.type === 'manufactured')
        skipped.push({
          entity: 'item',
          id: item.id,
          reason: unscoredReason(plant, item.id, Boolean(routing)),
        });
      continue;
    }
    const product = {
      id: itemLabel(plant, item.id),
      price: majorUnits(item.body.listPrice!),
      tvc: majorUnits(item.body.trulyVariableCost!),
      demand: Math.ceil(demand.get(item.id) ?? 0),
      routing: routing.map((op) => ({
        resource: plant.labels.label(op.workCenterId, undefined),
        minutes: op.runMinutesPerUnit,
      })),
    };
    candidates.push({ itemId: item.id, currency: item.body.listPrice!.currency, product });
  }
  return candidates;
}

type CostedProduct = ReturnType<typeof costedProducts>[number];

function scoreProduct(plant: Plant, constraintId: string | undefined, costed: CostedProduct): ProductScore {
  const minutes = constraintId ? runMinutesOn(plant.routings.get(costed.itemId), constraintId) : 0;
  const throughputPerUnit = roundTo(costed.product.price - costed.product.tvc);
  return {
    itemId: costed.itemId,
    currency: costed.currency,
    throughputPerUnit,
    constraintMinutesPerUnit: minutes,
    throughputPerConstraintMinute: minutes > 0 ? roundTo(throughputPerUnit / minutes) : null,
  };
}

/**
 * Product mix and T per constraint minute from the golden records: prices and truly variable
 * costs of the items, routings, work-center capacity, and demand from open sales orders and open
 * opportunities. The constraint is the flagged work center, else the engine's most loaded one.
 * The mix and its ranking are in one currency (mix-currency.ts); every costed product still gets
 * its own T per constraint minute, in its own currency.
 */
export async function computeThroughput(db: Queryable, params: z.output<typeof throughputParams>) {
  const plant = await loadPlant(db);
  const skipped = [...plant.skipped];
  const costed = costedProducts(plant, await loadDemand(db, skipped), skipped);
  if (costed.length === 0)
    throw new HubError(
      'not_found',
      'no_costed_items',
      'No item has a list price, a truly variable cost and a routing yet',
    );
  const { currency, chosen } = inOneCurrency(costed, params.currency, skipped);
  const input = {
    operatingExpense: params.operatingExpense,
    resources: plant.workCenters.map((c) => ({
      id: plant.labels.label(c.id, c.body.code),
      capacity: c.body.minutesPerDay * params.horizonDays,
    })),
    products: chosen.map((candidate) => candidate.product),
  };
  const result = await runEngine<{ primaryConstraint: string | null }>('mix', input);
  const constraintLabel = plant.flagged ? plant.labels.of(plant.flagged.id)! : result.primaryConstraint;
  const constraintId = constraintLabel ? plant.labels.refs[constraintLabel] : undefined;
  return {
    plant,
    input,
    result,
    currency,
    constraint: constraintId ? { id: constraintId, label: constraintLabel! } : undefined,
    scores: costed.map((candidate) => scoreProduct(plant, constraintId, candidate)),
    skipped,
  };
}

export const throughputService = defineTocService({
  name: 'throughput',
  summary: 'Product ranking by throughput per constraint minute and the best product mix',
  engine: 'mix',
  params: throughputParams,
  async run(db, params) {
    const { plant, input, result, currency, constraint, scores, skipped } = await computeThroughput(
      db,
      params,
    );
    return {
      asOf: today(),
      input,
      result: { ...result, currency, constraint: constraint?.label ?? null, scores },
      refs: plant.labels.refs,
      skipped,
    };
  },
});
