import { roundHalfUp, tidy } from './quantities.ts';

export type ReplenishMethod = 'replenish' | 'min_max';

export interface ZoneParameters {
  adu: number;
  dltDays: number;
  leadTimeFactor: number;
  variabilityFactor: number;
  moq: number;
  orderCycleDays: number;
  roundingUnit: number;
  method: ReplenishMethod;
  zoneOverride?: { red: number; yellow: number; green: number };
}

export interface BufferZones {
  redBase: number;
  redSafety: number;
  red: number;
  yellow: number;
  green: number;
  topOfRed: number;
  topOfYellow: number;
  topOfGreen: number;
}

function stackZones(redBase: number, redSafety: number, yellow: number, green: number): BufferZones {
  const red = tidy(redBase + redSafety);
  const topOfYellow = tidy(red + yellow);
  return {
    redBase,
    redSafety,
    red,
    yellow,
    green,
    topOfRed: red,
    topOfYellow,
    topOfGreen: tidy(topOfYellow + green),
  };
}

/**
 * DDMRP zone sizes. Each zone is rounded half-up to the rounding unit, and the red safety is
 * taken from the already rounded red base, as the reference implementation does. An override
 * replaces the computed zones (its red counts as base, with no separate safety).
 */
export function computeZones(item: ZoneParameters): BufferZones {
  if (item.zoneOverride) {
    const { red, yellow, green } = item.zoneOverride;
    return stackZones(tidy(red), 0, tidy(yellow), tidy(green));
  }
  const unit = item.roundingUnit;
  const leadTimeUsage = item.adu * item.dltDays * item.leadTimeFactor;
  const redBase = roundHalfUp(leadTimeUsage, unit);
  const redSafety = roundHalfUp(redBase * item.variabilityFactor, unit);
  const yellow = item.method === 'min_max' ? 0 : roundHalfUp(item.adu * item.dltDays, unit);
  const green = Math.max(
    roundHalfUp(item.orderCycleDays * item.adu, unit),
    roundHalfUp(leadTimeUsage, unit),
    roundHalfUp(item.moq, unit),
  );
  return stackZones(redBase, redSafety, yellow, green);
}
