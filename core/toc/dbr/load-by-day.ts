import { roundTo } from '../throughput/rounding.ts';
import type { DayAxis } from './day-axis.ts';
import type { DayAllocation } from './drum-capacity.ts';
import type { ScheduleInput } from './schedule-schema.ts';

type Order = ScheduleInput['orders'][number];

interface LoadSources {
  input: ScheduleInput;
  axis: DayAxis;
  constraint: string;
  itemOf: (order: Order) => ScheduleInput['items'][number];
  jobs: ReadonlyArray<{ order: Order; allocations: ReadonlyArray<DayAllocation> }>;
  /** Aligned with `jobs`: where each order's non-constraint work is placed. */
  releaseDates: readonly string[];
}

/**
 * Minutes per working day for every resource, from day 0 to the last loaded day: the drum
 * allocations on the constraint, each order's other work on its release date.
 */
export function buildLoadByDay({ input, axis, constraint, itemOf, jobs, releaseDates }: LoadSources) {
  const loads = new Map(input.resources.map((resource) => [resource.id, [] as number[]]));
  const add = (resource: string, day: number, minutes: number) => {
    const days = loads.get(resource)!;
    days[day] = (days[day] ?? 0) + minutes;
  };
  let lastDay = 0;
  jobs.forEach((job, j) => {
    for (const allocation of job.allocations) {
      add(constraint, allocation.day, allocation.minutes);
      lastDay = Math.max(lastDay, allocation.day);
    }
    const releaseDay = axis.floorIndex(releaseDates[j]);
    for (const step of itemOf(job.order).routing) {
      if (step.resource === constraint) continue;
      add(step.resource, releaseDay, step.setupMinutes + job.order.quantity * step.minutesPerUnit);
      lastDay = Math.max(lastDay, releaseDay);
    }
  });
  const rows: Array<{ date: string; resource: string; minutes: number; capacity: number }> = [];
  for (let day = 0; day <= lastDay; day += 1) {
    const date = axis.date(day);
    for (const resource of input.resources) {
      const minutes = roundTo(loads.get(resource.id)![day] ?? 0);
      rows.push({ date, resource: resource.id, minutes, capacity: resource.minutesPerDay });
    }
  }
  return rows;
}
