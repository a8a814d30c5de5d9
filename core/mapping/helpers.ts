import { type CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js';
import { HubError } from '../errors/index.ts';
import { toMinorUnits } from './minor-units.ts';
import { parseDate } from './parse-date.ts';
import type { MappingOptions } from './schema.ts';
import { UNMAPPED, type ValueMapFn } from './value-map.ts';

export type HelperFn = (...args: unknown[]) => unknown;

/** Names usable in expressions as $name(...); the fast path and JSONata share these functions. */
export const helperNames = ['normalizePhone', 'toMinorUnits', 'parseDate', 'lookup'] as const;
export type HelperName = (typeof helperNames)[number];

const isEmpty = (value: unknown) => value === undefined || value === null || value === '';

function optionalString(value: unknown, what: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string')
    throw new HubError('invalid_data', 'invalid_helper_argument', `${what} must be text`);
  return value;
}

/** E.164 form of a phone number; numbers without a country prefix are read in `region`. */
export function normalizePhone(value: unknown, region?: string): string | undefined {
  if (isEmpty(value)) return undefined;
  if (typeof value !== 'string' && typeof value !== 'number') {
    throw new HubError('invalid_data', 'invalid_phone', 'a phone number must be text');
  }
  const phone = parsePhoneNumberFromString(String(value), region as CountryCode | undefined);
  if (!phone?.isValid()) {
    const where = region ? ` (region ${region})` : '';
    throw new HubError('invalid_data', 'invalid_phone', `"${value}" is not a valid phone number${where}`);
  }
  return phone.number;
}

/**
 * The helpers bound to one compiled mapping: its options give the default region, time zone and
 * currency, its value maps back $lookup.
 */
export function createHelpers(
  options: MappingOptions,
  valueMaps: Map<string, ValueMapFn>,
): Record<HelperName, HelperFn> {
  return {
    normalizePhone: (value, region) =>
      normalizePhone(value, optionalString(region, 'region') ?? options.region),
    toMinorUnits: (amount, currency) => {
      const code = optionalString(currency, 'currency') ?? options.currency;
      if (!code) throw new HubError('invalid_data', 'missing_currency', 'toMinorUnits needs a currency');
      return toMinorUnits(amount, code);
    },
    parseDate: (value, timeZone, order) => {
      const zone = optionalString(timeZone, 'time zone') ?? options.timeZone;
      const dayOrder = optionalString(order, 'order');
      if (dayOrder !== undefined && dayOrder !== 'DMY' && dayOrder !== 'MDY') {
        throw new HubError('invalid_data', 'invalid_helper_argument', 'order must be DMY or MDY');
      }
      return parseDate(value, zone, dayOrder);
    },
    lookup: (mapName, value) => {
      const map = valueMaps.get(String(mapName));
      if (!map)
        throw new HubError('invalid_data', 'unknown_value_map', `no value map named "${String(mapName)}"`);
      if (isEmpty(value)) return undefined;
      const mapped = map(value);
      if (mapped === UNMAPPED) {
        throw new HubError(
          'invalid_data',
          'value_not_mapped',
          `"${String(value)}" is not in value map "${mapName}"`,
        );
      }
      return mapped;
    },
  };
}
