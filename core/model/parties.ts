import { z } from 'zod';
import {
  addressSchema,
  boundedText,
  currencySchema,
  emailSchema,
  moneySchema,
  nameSchema,
  refSchema,
} from './primitives.ts';

export const customerSchema = z.object({
  name: nameSchema,
  legalName: boundedText(300).optional(),
  taxId: boundedText(64).optional(),
  email: emailSchema.optional(),
  phone: boundedText(64).optional(),
  website: boundedText(300).optional(),
  address: addressSchema.optional(),
  currency: currencySchema.optional(),
  creditLimit: moneySchema.optional(),
  openReceivables: moneySchema.optional(),
  paymentTerms: boundedText(100).optional(),
  owner: boundedText(200).optional(),
  active: z.boolean().default(true),
});
export type Customer = z.infer<typeof customerSchema>;

export const contactSchema = z.object({
  firstName: boundedText(200).optional(),
  lastName: nameSchema,
  email: emailSchema.optional(),
  phone: boundedText(64).optional(),
  title: boundedText(200).optional(),
  customerId: refSchema.optional(),
});
export type Contact = z.infer<typeof contactSchema>;

export const supplierSchema = z.object({
  name: nameSchema,
  taxId: boundedText(64).optional(),
  email: emailSchema.optional(),
  phone: boundedText(64).optional(),
  address: addressSchema.optional(),
  currency: currencySchema.optional(),
  leadTimeDays: z.number().int().nonnegative().optional(),
  active: z.boolean().default(true),
});
export type Supplier = z.infer<typeof supplierSchema>;
