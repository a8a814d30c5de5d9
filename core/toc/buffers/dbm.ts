import { isAtLeast, roundHalfUp, tidy } from './quantities.ts';

export type DbmZone = 'red' | 'yellow' | 'green';

export interface DbmParameters {
  targetLevel: number;
  replenishmentDays: number;
  /** End-of-day on hand, one value per day; day 1 is the first. */
  onHand: readonly number[];
  tmgCheckDays: number;
  coolingDays: number;
  changeFraction: number;
}

export interface DbmDay {
  day: number;
  onHand: number;
  targetLevel: number;
  zone: DbmZone;
  redDepth: number;
}

export interface DbmResize {
  /** The day the condition was met; the new level applies from the next day. */
  day: number;
  from: number;
  to: number;
  reason: 'TMR' | 'TMG';
}

/** Thirds of the target level: red up to TL/3 inclusive, yellow up to 2TL/3, green above. */
export function classifyOnHand(onHand: number, targetLevel: number): { zone: DbmZone; redDepth: number } {
  const redTop = targetLevel / 3;
  if (isAtLeast(redTop, onHand)) return { zone: 'red', redDepth: tidy(redTop - onHand) };
  return { zone: isAtLeast((2 * targetLevel) / 3, onHand) ? 'yellow' : 'green', redDepth: 0 };
}

/**
 * Dynamic buffer management of a target level on end-of-day on hand (never the net flow).
 * Too Much Red: the red depths of the last replenishmentDays days reach the red zone (TL/3) →
 * TL grows by changeFraction, then coolingDays follow without that check. Too Much Green: green
 * on each of the last tmgCheckDays days → TL shrinks by changeFraction. Red depth only counts
 * against the level in force and outside cooling, so a resize and its cooling start the count
 * afresh; any resize restarts the green streak. New levels round half-up, never below 1.
 */
export function manageTargetLevel(params: DbmParameters): {
  days: DbmDay[];
  resizes: DbmResize[];
  finalTargetLevel: number;
} {
  const days: DbmDay[] = [];
  const resizes: DbmResize[] = [];
  let targetLevel = params.targetLevel;
  let coolingUntil = 0;
  let countFrom = 1;
  let greenStreak = 0;

  const resize = (day: number, factor: number, reason: DbmResize['reason']): boolean => {
    const to = Math.max(1, roundHalfUp(targetLevel * factor));
    if (to === targetLevel) return false;
    resizes.push({ day, from: targetLevel, to, reason });
    targetLevel = to;
    greenStreak = 0;
    countFrom = day + 1;
    return true;
  };

  params.onHand.forEach((onHand, index) => {
    const day = index + 1;
    const { zone, redDepth } = classifyOnHand(onHand, targetLevel);
    days.push({ day, onHand, targetLevel, zone, redDepth });
    greenStreak = zone === 'green' ? greenStreak + 1 : 0;

    if (day > coolingUntil) {
      let depthSum = 0;
      for (let past = Math.max(countFrom, day - params.replenishmentDays + 1); past <= day; past++) {
        depthSum += days[past - 1].redDepth;
      }
      if (isAtLeast(depthSum, targetLevel / 3) && resize(day, 1 + params.changeFraction, 'TMR')) {
        coolingUntil = day + params.coolingDays;
        countFrom = coolingUntil + 1;
        return;
      }
    }
    if (greenStreak >= params.tmgCheckDays) resize(day, 1 - params.changeFraction, 'TMG');
  });

  return { days, resizes, finalTargetLevel: targetLevel };
}
