import { addDays, type Calendar } from '../calendar.ts';
import type { BufferItem, BuffersInput } from './buffers-schema.ts';
import {
  assessExecution,
  assessPlanning,
  computeNetFlowPosition,
  type Priority,
  priorityRank,
  sumIncomingWithin,
} from './net-flow.ts';
import { computeQualifiedDemand } from './qualified-demand.ts';
import { tidy } from './quantities.ts';
import { recommendQuantity } from './recommendation.ts';
import { type BufferZones, computeZones } from './zones.ts';

export interface BufferStatus {
  id: string;
  zones: BufferZones;
  qualifiedDemand: number;
  nfp: number;
  nfpPct: number;
  planningPriority: Priority;
  onHandPct: number;
  executionPriority: Priority;
  recommendedQty: number;
}

/** Window ends repeat across items (same DLTs, same horizons): compute each once per run. */
function createWindowEnds(asOf: string, calendar?: Calendar): (days: number) => string {
  const ends = new Map<number, string>();
  return (days) => {
    let end = ends.get(days);
    if (end === undefined) {
      end = addDays(asOf, days, calendar);
      ends.set(days, end);
    }
    return end;
  };
}

export function evaluateBuffer(
  item: BufferItem,
  asOf: string,
  windowEnd: (days: number) => string,
): BufferStatus {
  const zones = computeZones(item);
  // Date windows count whole days, as the reference implementation truncates a fractional DLT.
  const dltWindowDays = Math.floor(item.dltDays);
  const qualifiedDemand = computeQualifiedDemand(item.demand, {
    asOf,
    horizonEnd: windowEnd(item.spikeHorizonDays ?? dltWindowDays),
    spikeThreshold: tidy(item.spikeThresholdFactor * zones.red),
  });
  const nfp = computeNetFlowPosition({
    onHand: item.onHand,
    reservedOutgoing: item.reservedOutgoing,
    incomingWithinDlt: sumIncomingWithin(item.incoming, windowEnd(dltWindowDays)),
    qualifiedDemand,
  });
  const planning = assessPlanning(nfp, zones);
  const execution = assessExecution(item.onHand, zones);
  return {
    id: item.id,
    zones,
    qualifiedDemand,
    nfp,
    nfpPct: planning.nfpPct,
    planningPriority: planning.planningPriority,
    onHandPct: execution.onHandPct,
    executionPriority: execution.executionPriority,
    recommendedQty: recommendQuantity(nfp, zones, item),
  };
}

/**
 * Most urgent first: planning priority, then NFP % ascending, then input order. Sorting an index
 * over typed keys is several times faster than sorting the result objects for large batches.
 */
function sortByUrgency(statuses: readonly BufferStatus[]): BufferStatus[] {
  const count = statuses.length;
  const ranks = new Uint8Array(count);
  const percents = new Float64Array(count);
  const order = new Uint32Array(count);
  for (let index = 0; index < count; index++) {
    ranks[index] = priorityRank[statuses[index].planningPriority];
    percents[index] = statuses[index].nfpPct;
    order[index] = index;
  }
  order.sort((a, b) => ranks[a] - ranks[b] || percents[a] - percents[b] || a - b);
  return Array.from(order, (index) => statuses[index]);
}

/** DDMRP status of every buffer, most urgent first. */
export function computeBufferStatuses(input: BuffersInput): { items: BufferStatus[] } {
  const windowEnd = createWindowEnds(input.asOf, input.calendar);
  const statuses = input.items.map((item) => evaluateBuffer(item, input.asOf, windowEnd));
  return { items: sortByUrgency(statuses) };
}
