import { z } from 'zod';
import {
  calendarSchema,
  moneySchema,
  nameSchema,
  quantitySchema,
  refSchema,
  uomSchema,
} from './primitives.ts';

export const itemSchema = z.object({
  sku: z.string().trim().min(1, 'must not be empty'),
  name: nameSchema,
  description: z.string().optional(),
  uom: uomSchema,
  type: z.enum(['manufactured', 'purchased', 'distributed']).default('manufactured'),
  replenishment: z.enum(['make_to_order', 'make_to_stock']).default('make_to_stock'),
  listPrice: moneySchema.optional(),
  standardCost: moneySchema.optional(),
  /** Truly variable cost per unit (materials, purchased parts, commissions): the T in price − TVC. */
  trulyVariableCost: moneySchema.optional(),
  gtin: z
    .string()
    .regex(/^\d{8}(\d{4,6})?$/, 'GTIN must have 8, 12, 13 or 14 digits')
    .optional(),
  leadTimeDays: z.number().nonnegative().optional(),
  /** The least a supplier (or the plant) makes or sells in one order, in the item's unit of measure. */
  minimumOrderQuantity: z.number().finite().positive('minimum order quantity must be positive').optional(),
  /** Orders come in whole multiples of this (a pack, a batch), in the item's unit of measure. */
  orderMultiple: z.number().finite().positive('order multiple must be positive').optional(),
  active: z.boolean().default(true),
});
export type Item = z.infer<typeof itemSchema>;

export const stockLevelSchema = z.object({
  itemId: refSchema,
  location: z.string().min(1),
  onHand: quantitySchema,
  allocated: quantitySchema,
  onOrder: quantitySchema,
});
export type StockLevel = z.infer<typeof stockLevelSchema>;

export const workCenterSchema = z.object({
  code: z.string().min(1),
  name: nameSchema,
  minutesPerDay: z.number().positive('capacity must be positive'),
  calendar: calendarSchema.default({ workingWeekdays: [1, 2, 3, 4, 5], holidays: [] }),
  isConstraint: z.boolean().default(false),
});
export type WorkCenter = z.infer<typeof workCenterSchema>;

export const routingSchema = z.object({
  itemId: refSchema,
  operations: z
    .array(
      z.object({
        sequence: z.number().int().nonnegative(),
        workCenterId: refSchema,
        setupMinutes: z.number().nonnegative(),
        runMinutesPerUnit: z.number().nonnegative(),
      }),
    )
    .min(1, 'a routing needs at least one operation'),
});
export type Routing = z.infer<typeof routingSchema>;
