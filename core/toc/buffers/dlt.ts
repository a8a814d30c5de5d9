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

interface OpenStep {
  item: DltItem;
  /** Index of the next component to visit. */
  next: number;
}

function cycleError(items: readonly DltItem[], path: readonly OpenStep[], id: string): HubError {
  const trail = path.map((step) => step.item.id);
  const cycle = [...trail.slice(trail.indexOf(id)), id];
  const fieldPath = `items.${items.findIndex((item) => item.id === id)}.components`;
  const message = `${fieldPath}: bill of materials cycle ${cycle.join(' → ')}`;
  return new HubError('invalid_data', 'bom_cycle', message, { fieldPath, details: { cycle } });
}

/**
 * Every item after all of its components (depth-first post-order). Throws naming the items of the
 * first bill-of-materials cycle found, e.g. A → B → A. Iterative with an explicit stack: a chain
 * of thousands of levels would overflow the call stack of a recursive walk.
 */
function componentsFirst(items: readonly DltItem[], byId: ReadonlyMap<string, DltItem>): DltItem[] {
  const state = new Map<string, 'open' | 'done'>();
  const ordered: DltItem[] = [];
  for (const root of items) {
    if (state.has(root.id)) continue;
    state.set(root.id, 'open');
    const path: OpenStep[] = [{ item: root, next: 0 }];
    while (path.length > 0) {
      const top = path[path.length - 1];
      const components = top.item.components ?? [];
      if (top.next === components.length) {
        path.pop();
        state.set(top.item.id, 'done');
        ordered.push(top.item);
        continue;
      }
      const id = components[top.next++];
      const seen = state.get(id);
      if (seen === 'open') throw cycleError(items, path, id);
      if (seen === undefined) {
        state.set(id, 'open');
        path.push({ item: byId.get(id)!, next: 0 });
      }
    }
  }
  return ordered;
}

/**
 * A purchased or distributed item's vendor lead time; a manufactured one's produce time plus the
 * longest path among its unbuffered components, all of which are `known` already.
 */
function pathOf(
  item: DltItem,
  byId: ReadonlyMap<string, DltItem>,
  known: ReadonlyMap<string, number>,
): number {
  if (item.type !== 'manufactured') return item.vendorLeadDays ?? 0;
  let longest = 0;
  for (const componentId of item.components ?? []) {
    if (!byId.get(componentId)!.buffered) longest = Math.max(longest, known.get(componentId)!);
  }
  return (item.produceDays ?? 0) + longest;
}

/**
 * Decoupled lead time: the longest unprotected path. A purchased or distributed item takes its
 * vendor lead time; a manufactured one its produce time plus the longest path among its
 * components, where a buffered component decouples (contributes 0).
 */
export function computeDlt(items: readonly DltItem[]): { dlt: Record<string, number> } {
  const byId = new Map(items.map((item) => [item.id, item]));
  const paths = new Map<string, number>();
  for (const item of componentsFirst(items, byId)) paths.set(item.id, pathOf(item, byId, paths));
  const dlt: Record<string, number> = {};
  for (const item of items) dlt[item.id] = tidy(paths.get(item.id)!);
  return { dlt };
}
