import { HubError } from '../../errors/index.ts';
import { diffDays, workingDayOnOrBefore } from '../calendar.ts';
import { defineTocCommand } from '../command.ts';
import { MAX_DAYS } from '../limits.ts';
import { compareIds } from '../throughput/id-checks.ts';
import { ceilSafe } from '../throughput/rounding.ts';
import { createCachedDates } from './cached-dates.ts';
import { DayAxis } from './day-axis.ts';
import { type DayAllocation, DrumCapacity } from './drum-capacity.ts';
import { laterDate } from './later-date.ts';
import { buildLoadByDay } from './load-by-day.ts';
import { type ScheduleInput, scheduleInputSchema } from './schedule-schema.ts';

type Order = ScheduleInput['orders'][number];

type Item = ScheduleInput['items'][number];

/** Minutes an order needs on one resource: setup plus run time, for every step on it. */
function computeItemWork(item: Item, quantity: number, resource: string): number {
  let minutes = 0;
  for (const step of item.routing) {
    if (step.resource === resource) minutes += step.setupMinutes + quantity * step.minutesPerUnit;
  }
  return minutes;
}

/** The resource with the highest load / (minutes per day × days to the latest due date). */
export function pickConstraint(input: ScheduleInput, itemOf: (order: Order) => Item): string {
  const latestDue = input.orders.reduce((latest, order) => laterDate(order.dueDate, latest), input.asOf);
  const days = Math.max(1, diffDays(input.asOf, latestDue, input.calendar));
  const required = new Map<string, number>();
  for (const order of input.orders) {
    for (const step of itemOf(order).routing) {
      const minutes = step.setupMinutes + order.quantity * step.minutesPerUnit;
      required.set(step.resource, (required.get(step.resource) ?? 0) + minutes);
    }
  }
  let best = input.resources[0];
  let bestRatio = -1;
  for (const resource of input.resources) {
    const ratio = (required.get(resource.id) ?? 0) / (resource.minutesPerDay * days);
    if (ratio > bestRatio) [best, bestRatio] = [resource, ratio];
  }
  return best.id;
}

interface DrumJob {
  order: Order;
  /** The last working day on or before the due date: the latest day the order can ship on time. */
  shipBy: string;
  minutes: number;
  drumTarget: string;
  targetDay: number;
  allocations: DayAllocation[];
  pass: 'backward' | 'forward';
}

/** Drum-buffer-rope: drum allocations on the constraint, rope releases and planned ship dates. */
export function scheduleDrumBufferRope(input: ScheduleInput) {
  const { calendar, shippingBufferDays, constraintBufferDays } = input;
  const axis = new DayAxis(input.asOf, calendar);
  const dates = createCachedDates(calendar);
  const items = new Map(input.items.map((item) => [item.id, item]));
  const itemOf = (order: Order) => items.get(order.item)!;
  const constraint = input.constraint ?? pickConstraint(input, itemOf);
  const perDay = input.resources.find((resource) => resource.id === constraint)!.minutesPerDay;

  const jobs: DrumJob[] = input.orders.map((order) => {
    // Back from a working day, so that target + shipping buffer comes back to it: from a Saturday
    // due date the buffer would otherwise be counted back to Thursday and forward to Monday.
    const shipBy = workingDayOnOrBefore(order.dueDate, calendar);
    const drumTarget = dates.addDays(shipBy, -shippingBufferDays);
    const targetDay = axis.floorIndex(drumTarget);
    return {
      order,
      shipBy,
      minutes: computeItemWork(itemOf(order), order.quantity, constraint),
      drumTarget,
      targetDay,
      allocations: [],
      pass: 'backward',
    };
  });
  assertDrumFits(input, constraint, jobs);
  placeOnDrum(jobs, perDay);

  const day0 = axis.date(0);
  const orders = jobs.map((job) => {
    // An order without constraint work passes the drum on its target day (or on day 0).
    const first = job.allocations[0]?.day ?? Math.max(0, job.targetDay);
    const last = job.allocations.at(-1)?.day ?? first;
    const constraintStart = axis.date(first);
    const rope = dates.addDays(constraintStart, -constraintBufferDays);
    const plannedShipDate = dates.addDays(axis.date(last), shippingBufferDays);
    const late = plannedShipDate > job.shipBy;
    return {
      id: job.order.id,
      dueDate: job.order.dueDate,
      drumTarget: job.drumTarget,
      releaseDate: laterDate(rope, day0),
      constraintStart,
      constraintEnd: axis.date(last),
      plannedShipDate,
      late,
      projectedLatenessDays: late ? dates.diffDays(job.shipBy, plannedShipDate) : 0,
      pass: job.pass,
    };
  });

  const drum = jobs
    .filter((job) => job.allocations.length > 0)
    .sort(
      (a, b) =>
        a.allocations[0].day - b.allocations[0].day ||
        a.allocations.at(-1)!.day - b.allocations.at(-1)!.day ||
        compareIds(a.order.id, b.order.id),
    )
    .map((job) => ({
      order: job.order.id,
      minutes: job.minutes,
      start: axis.date(job.allocations[0].day),
      end: axis.date(job.allocations.at(-1)!.day),
      allocations: job.allocations.map((allocation) => ({
        date: axis.date(allocation.day),
        minutes: allocation.minutes,
      })),
    }));

  const loadByDay = buildLoadByDay({
    input,
    axis,
    constraint,
    itemOf,
    jobs,
    releaseDates: orders.map((o) => o.releaseDate),
  });
  return { constraint, drum, orders, loadByDay };
}

/** The drum holds a slot per working day: refuse work that would take longer than any plan. */
function assertDrumFits(input: ScheduleInput, constraint: string, jobs: readonly DrumJob[]): void {
  const index = input.resources.findIndex((resource) => resource.id === constraint);
  const perDay = input.resources[index].minutesPerDay;
  const days = ceilSafe(jobs.reduce((sum, job) => sum + job.minutes, 0) / perDay);
  if (days <= MAX_DAYS) return;
  const fieldPath = `resources.${index}.minutesPerDay`;
  throw new HubError(
    'invalid_data',
    'schedule_too_long',
    `toc schedule input: ${fieldPath}: the orders need ${days} days on the constraint "${constraint}" at ${perDay} minutes per day, more than the ${MAX_DAYS} days a schedule may span`,
    { fieldPath },
  );
}

/**
 * Backward pass from each target (latest target first, larger id first on a tie); orders that
 * would need minutes before day 0 are placed afterwards by a forward pass from day 0 (earliest
 * target first, smaller id first).
 */
function placeOnDrum(jobs: DrumJob[], perDay: number): void {
  const totalMinutes = jobs.reduce((sum, job) => sum + job.minutes, 0);
  const lastTarget = jobs.reduce((latest, job) => Math.max(latest, job.targetDay), 0);
  const drum = new DrumCapacity(lastTarget + 2 + ceilSafe(totalMinutes / perDay), perDay);
  const byTarget = (a: DrumJob, b: DrumJob) =>
    compareIds(a.drumTarget, b.drumTarget) || compareIds(a.order.id, b.order.id);
  const pulled: DrumJob[] = [];
  for (const job of [...jobs].sort((a, b) => byTarget(b, a))) {
    if (job.minutes === 0) {
      job.pass = job.targetDay >= 0 ? 'backward' : 'forward';
      continue;
    }
    const allocations = drum.takeBackward(job.targetDay, job.minutes);
    if (allocations) job.allocations = allocations;
    else pulled.push(job);
  }
  for (const job of pulled.sort(byTarget)) {
    job.allocations = drum.takeForward(job.minutes);
    job.pass = 'forward';
  }
}

export const scheduleCommand = defineTocCommand({
  name: 'schedule',
  summary: 'Drum-buffer-rope: constraint schedule, release dates (rope) and planned ship dates',
  input: scheduleInputSchema,
  run: scheduleDrumBufferRope,
});
