import { addDays, type Calendar } from '../calendar.ts';
import { tidy } from './quantities.ts';

export type MoveKind = 'outgoing' | 'internal' | 'inventory_loss' | 'scrap';

export interface StockMove {
  date: string;
  quantity: number;
  kind: MoveKind;
}

export interface DatedQuantity {
  date: string;
  quantity: number;
}

export interface AduParameters {
  asOf: string;
  method: 'past' | 'future' | 'blended';
  horizonDays: number;
  pastFactor: number;
  futureFactor: number;
  includeScrap: boolean;
  /** Future usage from open outgoing moves, or from the forecast. */
  futureSource: 'moves' | 'forecast';
  moves: readonly StockMove[];
  forecast: readonly DatedQuantity[];
  calendar?: Calendar;
}

/** Usage is what leaves the buffer to consumers: outgoing moves, and scrap only on request. */
function isUsage(move: StockMove, includeScrap: boolean): boolean {
  return move.kind === 'outgoing' || (includeScrap && move.kind === 'scrap');
}

/** Sum of quantities dated from `from` (inclusive) to `until` (exclusive); ISO dates compare as text. */
function sumDated(entries: readonly DatedQuantity[], from: string, until: string): number {
  let total = 0;
  for (const entry of entries) {
    if (entry.date >= from && entry.date < until) total += entry.quantity;
  }
  return total;
}

/**
 * Past ADU: usage over the horizonDays days before asOf, asOf itself excluded (its moves may not
 * all be done yet), divided by the horizon.
 */
export function computePastAdu(params: AduParameters): number {
  const from = addDays(params.asOf, -params.horizonDays, params.calendar);
  const usage = params.moves.filter((move) => isUsage(move, params.includeScrap));
  return sumDated(usage, from, params.asOf) / params.horizonDays;
}

/** Future ADU: open demand (or forecast) over the next horizonDays days from asOf, per day. */
export function computeFutureAdu(params: AduParameters): number {
  const until = addDays(params.asOf, params.horizonDays, params.calendar);
  const source =
    params.futureSource === 'forecast'
      ? params.forecast
      : params.moves.filter((move) => isUsage(move, params.includeScrap));
  return sumDated(source, params.asOf, until) / params.horizonDays;
}

/** Average daily usage by the chosen method; blended weighs past and future by their factors. */
export function computeAdu(params: AduParameters): { adu: number } {
  if (params.method === 'past') return { adu: tidy(computePastAdu(params)) };
  if (params.method === 'future') return { adu: tidy(computeFutureAdu(params)) };
  const blended = computePastAdu(params) * params.pastFactor + computeFutureAdu(params) * params.futureFactor;
  return { adu: tidy(blended) };
}
