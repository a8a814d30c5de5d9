import type { Routing, WorkCenter } from '../../model/items.ts';
import type { Queryable } from '../../store/db.ts';
import type { Calendar } from '../calendar.ts';
import { createLabels, type Labels, type Loaded, loadEntity, type Skipped } from './load.ts';

export interface Plant {
  labels: Labels;
  workCenters: Array<Loaded<'work_center'>>;
  items: Map<string, Loaded<'item'>>;
  /** Routing operations per canonical item id, in sequence. */
  routings: Map<string, Routing['operations']>;
  /** The work center flagged as the constraint, when one is. */
  flagged?: Loaded<'work_center'>;
  calendar?: Calendar;
  skipped: Skipped[];
}

/** Work centers, items and routings from the golden records, labelled for the engines. */
export async function loadPlant(db: Queryable): Promise<Plant> {
  const skipped: Skipped[] = [];
  const labels = createLabels();
  const [workCenters, items, routings] = await Promise.all([
    loadEntity(db, 'work_center', skipped),
    loadEntity(db, 'item', skipped),
    loadEntity(db, 'routing', skipped),
  ]);
  for (const center of workCenters) labels.label(center.id, center.body.code);
  const centerIds = new Set(workCenters.map((center) => center.id));
  const byItem = new Map<string, Routing['operations']>();
  for (const routing of routings) {
    const unknown = routing.body.operations.find((operation) => !centerIds.has(operation.workCenterId));
    if (unknown) {
      skipped.push({
        entity: 'routing',
        id: routing.id,
        reason: `operation ${unknown.sequence}: work center ${unknown.workCenterId} is not known`,
      });
      continue;
    }
    byItem.set(
      routing.body.itemId,
      [...routing.body.operations].sort((a, b) => a.sequence - b.sequence),
    );
  }
  const flagged = workCenters.find((center) => center.body.isConstraint);
  return {
    labels,
    workCenters,
    items: new Map(items.map((item) => [item.id, item])),
    routings: byItem,
    flagged,
    calendar: calendarOf(flagged?.body ?? workCenters[0]?.body),
    skipped,
  };
}

function calendarOf(center: WorkCenter | undefined): Calendar | undefined {
  return center
    ? { workingWeekdays: center.calendar.workingWeekdays, holidays: center.calendar.holidays }
    : undefined;
}

export function itemLabel(plant: Plant, itemId: string): string {
  return plant.labels.label(itemId, plant.items.get(itemId)?.body.sku);
}

/** Minutes an order of `quantity` spends on `workCenterId` (setup once, run per unit). */
export function minutesOn(
  operations: Routing['operations'] | undefined,
  workCenterId: string,
  quantity: number,
): number {
  return (operations ?? [])
    .filter((op) => op.workCenterId === workCenterId)
    .reduce((sum, op) => sum + op.setupMinutes + op.runMinutesPerUnit * quantity, 0);
}

/** Run minutes per unit on `workCenterId`, setups left out: the marginal load of one more unit. */
export function runMinutesOn(operations: Routing['operations'] | undefined, workCenterId: string): number {
  return (operations ?? [])
    .filter((op) => op.workCenterId === workCenterId)
    .reduce((sum, op) => sum + op.runMinutesPerUnit, 0);
}

/** Where the constraint sits in a routing, for the share of the buffer before and after it. */
export function constraintPosition(
  operations: Routing['operations'] | undefined,
  workCenterId: string,
): 'start' | 'middle' | 'end' {
  const index = (operations ?? []).findIndex((op) => op.workCenterId === workCenterId);
  const count = operations?.length ?? 0;
  if (index < 0 || count < 3)
    return index === 0 && count > 1 ? 'start' : index === count - 1 && count > 1 ? 'end' : 'middle';
  if (index < count / 3) return 'start';
  return index >= (2 * count) / 3 ? 'end' : 'middle';
}
