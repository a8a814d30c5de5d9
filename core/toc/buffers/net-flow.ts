import { isAtLeast, isGreater, percentOf, tidy } from './quantities.ts';
import type { BufferZones } from './zones.ts';

export type Priority = 'red' | 'yellow' | 'green';

/** Sort rank: the most urgent colour first. */
export const priorityRank: Record<Priority, number> = { red: 0, yellow: 1, green: 2 };

export interface Receipt {
  date: string;
  quantity: number;
}

/** Supply due on or before the last day of the DLT window (past-due receipts included). */
export function sumIncomingWithin(incoming: readonly Receipt[], windowEnd: string): number {
  let total = 0;
  for (const receipt of incoming) {
    if (receipt.date <= windowEnd) total += receipt.quantity;
  }
  return tidy(total);
}

export interface NetFlowInputs {
  onHand: number;
  reservedOutgoing: number;
  incomingWithinDlt: number;
  qualifiedDemand: number;
}

/** NFP = on hand − reserved outgoing + incoming within the DLT − qualified demand. */
export function computeNetFlowPosition(inputs: NetFlowInputs): number {
  return tidy(inputs.onHand - inputs.reservedOutgoing + inputs.incomingWithinDlt - inputs.qualifiedDemand);
}

/** green from `greenFrom` up, yellow from `yellowFrom` up, red below. */
function classify(value: number, greenFrom: number, yellowFrom: number): Priority {
  if (isAtLeast(value, greenFrom)) return 'green';
  return isAtLeast(value, yellowFrom) ? 'yellow' : 'red';
}

/**
 * Planning: NFP green above top of yellow; yellow from top of red up to and including top of
 * yellow, as an order is due there (Ptak & Smith: order at or below top of yellow); red below.
 */
export function assessPlanning(
  nfp: number,
  zones: BufferZones,
): { nfpPct: number; planningPriority: Priority } {
  return { nfpPct: percentOf(nfp, zones.topOfGreen), planningPriority: planningPriorityOf(nfp, zones) };
}

function planningPriorityOf(nfp: number, zones: BufferZones): Priority {
  if (isGreater(nfp, zones.topOfYellow)) return 'green';
  return isAtLeast(nfp, zones.topOfRed) ? 'yellow' : 'red';
}

/** Execution: on hand green from top of red, yellow from half of it, red below. */
export function assessExecution(
  onHand: number,
  zones: BufferZones,
): { onHandPct: number; executionPriority: Priority } {
  return {
    onHandPct: percentOf(onHand, zones.topOfRed),
    executionPriority: classify(onHand, zones.topOfRed, zones.topOfRed / 2),
  };
}
