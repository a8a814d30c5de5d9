import { isAtLeast, tidy } from './quantities.ts';

export interface DemandLine {
  date: string;
  quantity: number;
  /** true: the whole line is reserved; a number: that much of it is. */
  reserved?: boolean | number;
}

export interface QualifiedDemandWindow {
  /** ISO date of the evaluation; demand on or before it is past due or due today. */
  asOf: string;
  /** Last ISO date (inclusive) of the order spike horizon. */
  horizonEnd: string;
  /** A later day's unreserved total counts only when it reaches this quantity. */
  spikeThreshold: number;
}

/**
 * The part of a demand line not yet reserved. Reserved quantities already leave the net flow
 * through reservedOutgoing, so counting them here as well would count them twice.
 */
export function unreservedQuantity(line: DemandLine): number {
  if (line.reserved === true) return 0;
  const reserved = typeof line.reserved === 'number' ? line.reserved : 0;
  return Math.max(0, line.quantity - reserved);
}

/**
 * DDMRP qualified demand: unreserved demand past due or due today always counts; demand dated
 * later within the spike horizon counts only on days whose unreserved total reaches the spike
 * threshold; demand beyond the horizon never counts. ISO dates compare as strings.
 */
export function computeQualifiedDemand(demand: readonly DemandLine[], window: QualifiedDemandWindow): number {
  let qualified = 0;
  let hasLaterLines = false;
  for (const line of demand) {
    if (line.date <= window.asOf) qualified += unreservedQuantity(line);
    else if (line.date <= window.horizonEnd) hasLaterLines = true;
  }
  if (hasLaterLines) qualified += sumSpikeDays(demand, window);
  return tidy(qualified);
}

function isWithinSpikeHorizon(date: string, window: QualifiedDemandWindow): boolean {
  return date > window.asOf && date <= window.horizonEnd;
}

/** Unreserved totals of the later days that reach the threshold; each date is totalled once. */
function sumSpikeDays(demand: readonly DemandLine[], window: QualifiedDemandWindow): number {
  const totals = new Map<string, number>();
  for (const line of demand) {
    if (isWithinSpikeHorizon(line.date, window)) {
      totals.set(line.date, (totals.get(line.date) ?? 0) + unreservedQuantity(line));
    }
  }
  let spikes = 0;
  for (const dayTotal of totals.values()) {
    if (isAtLeast(tidy(dayTotal), window.spikeThreshold)) spikes += dayTotal;
  }
  return spikes;
}
