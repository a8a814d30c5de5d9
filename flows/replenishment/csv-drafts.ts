import { writeHubRecord } from '../../core/flow/golden-writes.ts';
import type { PurchaseOrder } from '../../core/model/orders.ts';
import type { Db, Queryable } from '../../core/store/db.ts';

/** A draft purchase order the hub recorded for the supplier portal's CSV (no connection holds it). */
export interface CsvDraft {
  id: string;
  /** When the hub recorded it (ms). */
  at: number;
  body: PurchaseOrder;
}

/** A rise of an item's on-hand quantity at one stock level: goods that came in. */
export interface Arrival {
  itemId: string;
  at: number;
  quantity: number;
}

export interface LineReceipt {
  quantity: number;
  /** Day of the arrival that completed the line, once it is complete. */
  completedOn?: string;
}

/**
 * Matches arrivals to the drafts' lines, oldest draft first, each arrival counted once and only
 * for drafts recorded before it came in. Answers what each draft has received, line by line.
 */
export function matchArrivals(drafts: CsvDraft[], arrivals: Arrival[]): Map<string, LineReceipt[]> {
  const left = arrivals.map((arrival) => ({ ...arrival })).sort((a, b) => a.at - b.at);
  const received = new Map<string, LineReceipt[]>();
  for (const draft of [...drafts].sort((a, b) => a.at - b.at)) {
    const lines = draft.body.lines.map((line) => {
      const receipt: LineReceipt = { quantity: 0 };
      for (const arrival of left) {
        if (receipt.quantity >= line.quantity.value) break;
        if (arrival.itemId !== line.itemId || arrival.at <= draft.at || arrival.quantity <= 0) continue;
        const taken = Math.min(arrival.quantity, line.quantity.value - receipt.quantity);
        arrival.quantity -= taken;
        receipt.quantity += taken;
        if (receipt.quantity >= line.quantity.value)
          receipt.completedOn = new Date(arrival.at).toISOString().slice(0, 10);
      }
      return receipt;
    });
    received.set(draft.id, lines);
  }
  return received;
}

/**
 * Every draft the hub recorded for a CSV, open or received: the received ones keep the arrivals
 * they were matched to, so a newer draft is not credited with them again.
 */
async function loadCsvDrafts(db: Queryable, source: string): Promise<CsvDraft[]> {
  const { rows } = await db.query<{ id: string; at: number; body: PurchaseOrder }>(
    `SELECT g.id, g.body,
       (SELECT extract(epoch FROM min(c.created_at)) * 1000 FROM change_log c WHERE c.canonical_id = g.id)::float8 AS at
     FROM golden_records g
     WHERE g.entity = 'purchase_order' AND g.source_system = $1 AND NOT g.deleted AND g.merged_into IS NULL
       AND g.body->>'status' IN ('draft', 'received')
       AND NOT EXISTS (SELECT 1 FROM xref x WHERE x.entity = 'purchase_order' AND x.canonical_id = g.id)`,
    [source],
  );
  return rows.map((row) => ({ id: row.id, at: Number(row.at), body: row.body }));
}

/** The rises of on hand, per stock level, of these items since `since` (from the change log). */
async function loadArrivals(db: Queryable, itemIds: string[], since: number): Promise<Arrival[]> {
  const { rows } = await db.query<{ item_id: string; at: number; quantity: string }>(
    `SELECT item_id, (extract(epoch FROM at) * 1000)::float8 AS at, quantity FROM (
       SELECT body->>'itemId' AS item_id, created_at AS at,
         (body->'onHand'->>'value')::numeric - COALESCE(LAG((body->'onHand'->>'value')::numeric)
           OVER (PARTITION BY canonical_id ORDER BY seq), 0) AS quantity
       FROM change_log WHERE entity = 'stock_level' AND body->>'itemId' = ANY($1::text[])
     ) moves
     WHERE quantity > 0 AND at > $2`,
    [itemIds, new Date(since).toISOString()],
  );
  return rows.map((row) => ({ itemId: row.item_id, at: Number(row.at), quantity: Number(row.quantity) }));
}

/** The draft with what it has received; `received` once every line is complete. */
function withReceipts(body: PurchaseOrder, receipts: LineReceipt[]): PurchaseOrder {
  const lines = body.lines.map((line, index) => {
    const receipt = receipts[index]!;
    if (receipt.quantity === 0) return line;
    return {
      ...line,
      receivedQuantity: { value: receipt.quantity, uom: line.quantity.uom },
      ...(receipt.completedOn ? { receivedDate: receipt.completedOn } : {}),
    };
  });
  const complete = receipts.every((receipt) => receipt.completedOn !== undefined);
  return { ...body, status: complete ? 'received' : body.status, lines };
}

/**
 * Records on the hub's open CSV drafts what has arrived since (see README, "CSV drafts"): the
 * supplier portal tells the hub nothing, so without this a draft would count as supply forever.
 */
export async function receiveCsvDrafts(
  db: Db,
  source: string,
): Promise<Array<{ canonicalId: string; version: number; status: string }>> {
  const drafts = await loadCsvDrafts(db, source);
  const open = drafts.filter((draft) => draft.body.status === 'draft');
  if (open.length === 0) return [];
  const itemIds = [...new Set(drafts.flatMap((draft) => draft.body.lines.map((line) => line.itemId)))];
  const since = Math.min(...drafts.map((draft) => draft.at));
  const received = matchArrivals(drafts, await loadArrivals(db, itemIds, since));
  const saved = [];
  for (const draft of open) {
    const record = await writeHubRecord(db, { entity: 'purchase_order', id: draft.id, source }, (current) =>
      // A draft someone else moved on meanwhile stays as it is.
      current?.status === 'draft' ? withReceipts(draft.body, received.get(draft.id)!) : current!,
    );
    if (record.changed)
      saved.push({ canonicalId: record.id, version: record.version, status: String(record.body.status) });
  }
  return saved;
}
