import type { CanonicalEntity } from '../../connector/types.ts';
import { type EntityBody, entitySchemas } from '../../model/entities.ts';
import type { Queryable } from '../../store/db.ts';

export interface Loaded<E extends CanonicalEntity> {
  id: string;
  version: number;
  body: EntityBody<E>;
  /** The raw stored body, with hub annotations (`toc`) the canonical schema does not name. */
  stored: Record<string, unknown>;
}

export interface Skipped {
  entity: string;
  id: string;
  reason: string;
}

/** Every live golden record of an entity that passes the canonical schema; the others are reported, not guessed at. */
export async function loadEntity<E extends CanonicalEntity>(
  db: Queryable,
  entity: E,
  skipped: Skipped[],
): Promise<Array<Loaded<E>>> {
  const { rows } = await db.query<{ id: string; version: number; body: Record<string, unknown> }>(
    'SELECT id, version, body FROM golden_records WHERE entity = $1 AND merged_into IS NULL AND NOT deleted ORDER BY natural_key, id',
    [entity],
  );
  const loaded: Array<Loaded<E>> = [];
  for (const row of rows) {
    const parsed = entitySchemas[entity].safeParse(row.body);
    if (parsed.success)
      loaded.push({ id: row.id, version: row.version, body: parsed.data as EntityBody<E>, stored: row.body });
    else
      skipped.push({
        entity,
        id: row.id,
        reason: `${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`,
      });
  }
  return loaded;
}

/**
 * Readable engine ids (SKU, order number, work-center code) that stay unique: a clash gets the
 * start of the canonical id appended. `refs` maps every label back to its canonical id.
 */
export function createLabels() {
  const refs: Record<string, string> = {};
  const byId = new Map<string, string>();
  return {
    refs,
    label(id: string, preferred: string | undefined): string {
      const known = byId.get(id);
      if (known) return known;
      const base = preferred?.trim() || id;
      const label = refs[base] === undefined ? base : `${base}~${id.slice(0, 8)}`;
      refs[label] = id;
      byId.set(id, label);
      return label;
    },
    of(id: string): string | undefined {
      return byId.get(id);
    },
  };
}
export type Labels = ReturnType<typeof createLabels>;

/** The date where the hub runs (TZ, set to the plant's time zone): a 06:00 run east of UTC is today there. */
export function today(now = new Date()): string {
  return new Date(now.getTime() - now.getTimezoneOffset() * 60_000).toISOString().slice(0, 10);
}

/** Major units of minor-unit money, by the currency's own number of decimals (JPY 0, EUR 2). */
export function majorUnits(money: { amountMinor: number; currency: string }): number {
  const digits =
    new Intl.NumberFormat('en', { style: 'currency', currency: money.currency }).resolvedOptions()
      .maximumFractionDigits ?? 2;
  return money.amountMinor / 10 ** digits;
}
