import type { StreamSpec } from '../../../core/connector/index.ts';
import type { OdooClient } from '../client.ts';
import type { OdooRow } from '../records.ts';

/** An Odoo search domain: prefix operators ('|', '&', '!') and [field, operator, value] terms. */
export type DomainTerm = string | [string, string, unknown];
export type Domain = DomainTerm[];

/** Related rows fetched in one extra search_read per page and attached to each record. */
export interface OdooRelation {
  /** Key the related rows are attached under in the raw record. */
  as: string;
  model: string;
  fields: string[];
  /**
   * children: rows whose many2one `field` points at the record (or, with `via`, at what the
   * record's many2one `via` points at); parent: the row the record's many2one `field` points at.
   */
  link: { kind: 'children' | 'parent'; field: string; via?: string };
  /** Added to the lookup's domain. */
  domain?: Domain;
  /**
   * A relation the records can do without (vendor lines on items): when Odoo has no such model or
   * the user may not read it, the records are read without it and the read warns once.
   */
  optional?: boolean;
  /**
   * A write to a related row changes what the record reads (vendor lines on items), though not
   * the record's own write_date: incremental reads also read the records whose related rows were
   * written in the window. Only the stream's own relations, not nested ones, are looked at.
   */
  countsAsChange?: boolean;
  relations?: OdooRelation[];
}

/** An x2many field of order lines, reconciled with the stored lines when a record is updated. */
export interface OdooLines {
  /** The x2many field on the record (order_line). */
  field: string;
  /** The line model; it must have sequence, display_type and product_id, as Odoo's order lines do. */
  model: string;
  /** The line's many2one back to the record (order_id). */
  inverse: string;
}

export interface OdooStream {
  spec: StreamSpec;
  model: string;
  /** The stream's own filter; a connection can replace it. */
  domain: Domain;
  fields: string[];
  relations?: OdooRelation[];
  /** Field looked up before a create (see write.ts); required for writable streams. */
  matchField?: string;
  /** Line fields whose mapped lines are matched to the stored ones on an update (see lines.ts). */
  lines?: OdooLines[];
  /** Adds derived fields to a page of rows (a few extra calls per page at most, never one per row). */
  enrich?: (client: OdooClient, rows: OdooRow[]) => Promise<void>;
  /** stock.quant writes set a counted quantity and apply it instead of writing the quant. */
  writeMode?: 'record' | 'inventory';
}

export function odooSpec(spec: Omit<StreamSpec, 'primaryKey' | 'cursorField'>): StreamSpec {
  return { primaryKey: 'id', cursorField: 'write_date', ...spec };
}
