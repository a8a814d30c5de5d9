import { HubError } from '../../errors/index.ts';
import { tidy } from './quantities.ts';

export interface DltItem {
  id: string;
  type: 'manufactured' | 'purchased' | 'distributed';
  produceDays?: number;
  vendorLeadDays?: number;
  components?: string[];
  buffered: boolean;
}

/** Throws naming the items of the first bill-of-materials cycle found, e.g. A → B → A. */
function assertAcyclic(items: readonly DltItem[], byId: ReadonlyMap<string, DltItem>): void {
  const state = new Map<string, 'open' | 'done'>();
  const trail: string[] = [];
  const visit = (id: string): void => {
    if (state.get(id) === 'done') return;
    if (state.get(id) === 'open') {
      const cycle = [...trail.slice(trail.indexOf(id)), id];
      const fieldPath = `items.${items.findIndex((item) => item.id === id)}.components`;
      const message = `${fieldPath}: bill of materials cycle ${cycle.join(' → ')}`;
      throw new HubError('invalid_data', 'bom_cycle', message, { fieldPath, details: { cycle } });
    }
    state.set(id, 'open');
    trail.push(id);
    for (const component of byId.get(id)?.components ?? []) visit(component);
    trail.pop();
    state.set(id, 'done');
  };
  for (const item of items) visit(item.id);
}

/**
 * Decoupled lead time: the longest unprotected path. A purchased or distributed item takes its
 * vendor lead time; a manufactured one its produce time plus the longest path among its
 * components, where a buffered component decouples (contributes 0).
 */
export function computeDlt(items: readonly DltItem[]): { dlt: Record<string, number> } {
  const byId = new Map(items.map((item) => [item.id, item]));
  assertAcyclic(items, byId);
  const memo = new Map<string, number>();
  const pathOf = (item: DltItem): number => {
    const known = memo.get(item.id);
    if (known !== undefined) return known;
    let days = item.vendorLeadDays ?? 0;
    if (item.type === 'manufactured') {
      let longest = 0;
      for (const componentId of item.components ?? []) {
        const component = byId.get(componentId)!;
        if (!component.buffered) longest = Math.max(longest, pathOf(component));
      }
      days = (item.produceDays ?? 0) + longest;
    }
    memo.set(item.id, days);
    return days;
  };
  const dlt: Record<string, number> = {};
  for (const item of items) dlt[item.id] = tidy(pathOf(item));
  return { dlt };
}
