import { z } from 'zod';

const iso4217 = new Set(Intl.supportedValuesOf('currency'));

export const currencySchema = z
  .string()
  .regex(/^[A-Z]{3}$/, 'expected an ISO 4217 code such as EUR or CNY')
  .refine((code) => iso4217.has(code), { message: 'unknown ISO 4217 currency' });

/** Money never travels as a float: integer minor units (cents, fen) plus the currency. */
export const moneySchema = z.object({
  amountMinor: z.number().int('amount must be whole minor units (cents), not a fraction'),
  currency: currencySchema,
});
export type Money = z.infer<typeof moneySchema>;

export const uomSchema = z.string().trim().min(1, 'unit of measure is required').max(16);

/** Non-negative amount with its unit of measure. */
export const quantitySchema = z.object({
  value: z.number().finite().nonnegative('quantity must not be negative'),
  uom: uomSchema,
});
export type Quantity = z.infer<typeof quantitySchema>;

export const timestampSchema = z.iso.datetime({
  offset: true,
  message: 'expected an ISO 8601 timestamp with zone',
});
export const dateSchema = z.iso.date({ message: 'expected an ISO date YYYY-MM-DD' });

export const nameSchema = z.string().trim().min(1, 'must not be empty').max(300);
export const canonicalIdSchema = z.string().uuid();
const uuidForm = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Has the form PostgreSQL's uuid type reads (any version): anything else fails its cast. */
export const hasUuidForm = (value: unknown): value is string =>
  typeof value === 'string' && uuidForm.test(value);
/** A reference to another canonical record (resolved through the xref by the mapping). */
export const refSchema = z.string().min(1, 'reference must not be empty');

export const countrySchema = z.string().regex(/^[A-Z]{2}$/, 'expected an ISO 3166-1 alpha-2 country code');

/**
 * Free text with a ceiling: values far beyond what any system stores are bad input, named by the
 * validation, rather than work for the fuzzy matcher (whose cost grows with the square of a length).
 */
export const boundedText = (max: number) => z.string().max(max, `must be at most ${max} characters`);

export const addressSchema = z.object({
  street: boundedText(300).optional(),
  city: boundedText(120).optional(),
  region: boundedText(120).optional(),
  postalCode: boundedText(32).optional(),
  country: countrySchema.optional(),
});

export const emailSchema = z.email({ message: 'not a valid email address' });

export const calendarSchema = z.object({
  workingWeekdays: z.array(z.number().int().min(0).max(6)).min(1).default([1, 2, 3, 4, 5]),
  holidays: z.array(dateSchema).default([]),
});
