import { z } from 'zod';
import {
  addressSchema,
  currencySchema,
  emailSchema,
  moneySchema,
  nameSchema,
  refSchema,
} from './primitives.ts';

export const customerSchema = z.object({
  name: nameSchema,
  legalName: z.string().optional(),
  taxId: z.string().optional(),
  email: emailSchema.optional(),
  phone: z.string().optional(),
  website: z.string().optional(),
  address: addressSchema.optional(),
  currency: currencySchema.optional(),
  creditLimit: moneySchema.optional(),
  openReceivables: moneySchema.optional(),
  paymentTerms: z.string().optional(),
  owner: z.string().optional(),
  active: z.boolean().default(true),
});
export type Customer = z.infer<typeof customerSchema>;

export const contactSchema = z.object({
  firstName: z.string().optional(),
  lastName: nameSchema,
  email: emailSchema.optional(),
  phone: z.string().optional(),
  title: z.string().optional(),
  customerId: refSchema.optional(),
});
export type Contact = z.infer<typeof contactSchema>;

export const supplierSchema = z.object({
  name: nameSchema,
  taxId: z.string().optional(),
  email: emailSchema.optional(),
  phone: z.string().optional(),
  address: addressSchema.optional(),
  currency: currencySchema.optional(),
  leadTimeDays: z.number().int().nonnegative().optional(),
  active: z.boolean().default(true),
});
export type Supplier = z.infer<typeof supplierSchema>;
