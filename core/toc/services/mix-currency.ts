import { HubError } from '../../errors/index.ts';
import type { Skipped } from './load.ts';

/** A product the mix could take: priced and costed in one currency. */
export interface PricedCandidate {
  itemId: string;
  currency: string;
}

/** The currency most candidates are priced in; a tie goes to the first in code order, the same on every run. */
function mostUsedCurrency(candidates: readonly PricedCandidate[]): string | undefined {
  const counts = new Map<string, number>();
  for (const { currency } of candidates) counts.set(currency, (counts.get(currency) ?? 0) + 1);
  const ranked = [...counts].sort(([a, m], [b, n]) => n - m || (a < b ? -1 : a > b ? 1 : 0));
  return ranked[0]?.[0];
}

/**
 * Throughputs in two currencies cannot be added or compared (the hub keeps no exchange rates), so
 * the mix is ranked in one: the one asked for, else the one most products are priced in. The
 * products priced in another currency are left out and reported in `skipped`.
 */
export function inOneCurrency<C extends PricedCandidate>(
  candidates: readonly C[],
  asked: string | undefined,
  skipped: Skipped[],
): { currency: string | undefined; chosen: C[] } {
  const currency = asked ?? mostUsedCurrency(candidates);
  if (asked && !candidates.some((candidate) => candidate.currency === asked)) {
    const priced = [...new Set(candidates.map((candidate) => candidate.currency))].sort().join(', ');
    throw new HubError(
      'invalid_data',
      'currency_not_priced',
      `No product with a price, a truly variable cost and a routing is priced in ${asked}; priced: ${priced || 'none'}`,
      { fieldPath: 'currency' },
    );
  }
  for (const candidate of candidates) {
    if (candidate.currency === currency) continue;
    skipped.push({
      entity: 'item',
      id: candidate.itemId,
      reason: `priced in ${candidate.currency}, the mix is ranked in ${currency}: left out of the mix and the ranking, no exchange rate to compare them (ask for currency ${candidate.currency} to rank those)`,
    });
  }
  return { currency, chosen: candidates.filter((candidate) => candidate.currency === currency) };
}
