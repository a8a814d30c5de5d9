import { z } from 'zod';
import {
  currencySchema,
  dateSchema,
  moneySchema,
  nameSchema,
  quantitySchema,
  refSchema,
} from './primitives.ts';

const lineBase = z.object({
  lineNo: z.number().int().nonnegative().optional(),
  itemId: refSchema,
  quantity: quantitySchema,
  unitPrice: moneySchema.optional(),
});

/** Time-buffer colours, from the buffer still whole to the one overrun. */
export const bufferColors = ['green', 'yellow', 'red', 'black'] as const;

export const opportunityStages = [
  'prospecting',
  'qualification',
  'proposal',
  'negotiation',
  'won',
  'lost',
] as const;

export const opportunitySchema = z.object({
  name: nameSchema,
  customerId: refSchema,
  stage: z.enum(opportunityStages),
  closeDate: dateSchema.optional(),
  amount: moneySchema.optional(),
  owner: z.string().optional(),
  lines: z.array(lineBase).default([]),
  promiseDate: dateSchema.optional(),
  erpOrderNumber: z.string().optional(),
  throughputPerConstraintMinute: z.number().optional(),
  /** Time-buffer colour of the won deal's open order toward its promise date. */
  bufferStatus: z.enum(bufferColors).optional(),
});
export type Opportunity = z.infer<typeof opportunitySchema>;

export const salesOrderStatuses = [
  'draft',
  'confirmed',
  'in_production',
  'shipped',
  'invoiced',
  'cancelled',
  'closed',
  'on_hold',
] as const;

export const salesOrderSchema = z.object({
  number: z.string().optional(),
  customerId: refSchema,
  status: z.enum(salesOrderStatuses),
  orderDate: dateSchema,
  requestedDate: dateSchema.optional(),
  promiseDate: dateSchema.optional(),
  currency: currencySchema,
  opportunityId: refSchema.optional(),
  lines: z
    .array(lineBase.extend({ dueDate: dateSchema.optional() }))
    .min(1, 'an order needs at least one line'),
});
export type SalesOrder = z.infer<typeof salesOrderSchema>;

export const purchaseOrderSchema = z.object({
  number: z.string().optional(),
  supplierId: refSchema,
  status: z.enum(['draft', 'sent', 'confirmed', 'received', 'cancelled']),
  orderDate: dateSchema,
  currency: currencySchema,
  lines: z
    .array(
      lineBase.extend({
        promisedDate: dateSchema.optional(),
        receivedQuantity: quantitySchema.optional(),
        receivedDate: dateSchema.optional(),
      }),
    )
    .min(1, 'an order needs at least one line'),
});
export type PurchaseOrder = z.infer<typeof purchaseOrderSchema>;

export const workOrderSchema = z.object({
  number: z.string().optional(),
  itemId: refSchema,
  quantity: quantitySchema,
  salesOrderId: refSchema.optional(),
  status: z.enum(['planned', 'released', 'in_progress', 'done', 'cancelled']),
  dueDate: dateSchema.optional(),
  releaseDate: dateSchema.optional(),
  bufferColor: z.enum(bufferColors).optional(),
  bufferPenetrationPct: z.number().optional(),
});
export type WorkOrder = z.infer<typeof workOrderSchema>;

export const shipmentSchema = z.object({
  number: z.string().optional(),
  direction: z.enum(['inbound', 'outbound']),
  salesOrderId: refSchema.optional(),
  purchaseOrderId: refSchema.optional(),
  partnerId: refSchema.optional(),
  status: z.enum(['draft', 'ready', 'done', 'cancelled']),
  scheduledDate: dateSchema.optional(),
  doneDate: dateSchema.optional(),
  lines: z.array(z.object({ itemId: refSchema, quantity: quantitySchema })).default([]),
});
export type Shipment = z.infer<typeof shipmentSchema>;
