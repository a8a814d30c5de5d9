import type { z } from 'zod';
import type { CanonicalEntity } from '../connector/types.ts';
import { parseOrThrow } from '../errors/index.ts';
import { itemSchema, routingSchema, stockLevelSchema, workCenterSchema } from './items.ts';
import {
  opportunitySchema,
  purchaseOrderSchema,
  salesOrderSchema,
  shipmentSchema,
  workOrderSchema,
} from './orders.ts';
import { contactSchema, customerSchema, supplierSchema } from './parties.ts';

/** The body schema of every canonical entity; the store adds id, version, updatedAt, sourceSystem. */
export const entitySchemas = {
  customer: customerSchema,
  contact: contactSchema,
  supplier: supplierSchema,
  item: itemSchema,
  opportunity: opportunitySchema,
  sales_order: salesOrderSchema,
  purchase_order: purchaseOrderSchema,
  stock_level: stockLevelSchema,
  work_center: workCenterSchema,
  routing: routingSchema,
  work_order: workOrderSchema,
  shipment: shipmentSchema,
} satisfies Record<CanonicalEntity, z.ZodType>;

export type EntityBody<E extends CanonicalEntity> = z.output<(typeof entitySchemas)[E]>;

export const entityNames = Object.keys(entitySchemas) as CanonicalEntity[];

export function isEntityName(name: string): name is CanonicalEntity {
  return name in entitySchemas;
}

/** Validates a canonical body; the error names the entity, the record and the field path. */
export function validateEntity<E extends CanonicalEntity>(
  entity: E,
  body: unknown,
  recordId?: string,
): EntityBody<E> {
  return parseOrThrow(entitySchemas[entity], body, { what: entity, recordId }) as EntityBody<E>;
}

/** The searchable key columns kept beside the jsonb body of a golden record. */
export function keyColumnsOf(
  entity: CanonicalEntity,
  body: Record<string, unknown>,
): { displayName: string; naturalKey?: string } {
  const text = (value: unknown) => (typeof value === 'string' && value ? value : undefined);
  switch (entity) {
    case 'item':
      return { displayName: text(body.name) ?? String(body.sku), naturalKey: text(body.sku) };
    case 'contact':
      return {
        displayName: [body.firstName, body.lastName].filter(Boolean).join(' '),
        naturalKey: text(body.email),
      };
    case 'work_center':
      return { displayName: String(body.name), naturalKey: text(body.code) };
    case 'stock_level':
      return {
        displayName: `${body.itemId}@${body.location}`,
        naturalKey: `${body.itemId}@${body.location}`,
      };
    case 'customer':
    case 'supplier':
      return { displayName: String(body.name), naturalKey: text(body.taxId) };
    default:
      return { displayName: text(body.number) ?? text(body.name) ?? entity, naturalKey: text(body.number) };
  }
}
