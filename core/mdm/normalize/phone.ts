import { type CountryCode, isSupportedCountry, parsePhoneNumberFromString } from 'libphonenumber-js';
import { HubError } from '../../errors/index.ts';
import { isBlank, toHalfWidth } from './text.ts';

/**
 * Returns the number in E.164 ("+8657487654321"), reading national numbers in the connection's
 * default region (ISO 3166 alpha-2). Extensions ("ext. 12", "转 12") are dropped: they do not
 * identify a company or person. Returns null when the text is not a valid number.
 */
export function normalizePhone(raw: string | null | undefined, defaultRegion?: string): string | null {
  if (isBlank(raw)) return null;
  const region = defaultRegion?.toUpperCase();
  if (region !== undefined && !isSupportedCountry(region)) {
    throw new HubError('config', 'unknown_phone_region', `Unknown default phone region "${defaultRegion}"`, {
      fieldPath: 'defaultRegion',
    });
  }
  const text = toHalfWidth(raw)
    .replace(/(ext\.?|extension|x|转|分机)\s*\d+\s*$/i, '')
    .replace(/^\s*00/, '+')
    .trim();
  const parsed = parsePhoneNumberFromString(text, region as CountryCode | undefined);
  if (!parsed?.isValid()) return null;
  return parsed.number;
}
