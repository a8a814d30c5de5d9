import { HubError } from '../errors/index.ts';

const digitsByCurrency = new Map<string, number>();

/** Minor-unit digits of an ISO 4217 currency (EUR 2, JPY 0, BHD 3), from the runtime's ICU data. */
export function currencyDigits(currency: string): number {
  const cached = digitsByCurrency.get(currency);
  if (cached !== undefined) return cached;
  if (!/^[A-Z]{3}$/.test(currency)) {
    throw new HubError('invalid_data', 'invalid_currency', `"${currency}" is not an ISO 4217 currency code`);
  }
  const digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
    .maximumFractionDigits as number;
  digitsByCurrency.set(currency, digits);
  return digits;
}

const decimalPattern = /^([+-])?(\d+)(?:\.(\d*))?$/;

/** Plain decimal text of a JS number, expanding exponent notation (1e-7 → "0.0000001"). */
function numberToDecimal(value: number): string {
  if (!Number.isFinite(value))
    throw new HubError('invalid_data', 'invalid_amount', `amount ${value} is not finite`);
  const text = String(value);
  if (!/e/i.test(text)) return text;
  return value.toFixed(20).replace(/\.?0+$/, '');
}

/**
 * Converts a decimal amount to integer minor units without going through float multiplication:
 * "12.345" EUR → 1235 (half away from zero), 1999 JPY → 1999. Numbers are read through their
 * shortest decimal representation, so 0.1 + 0.2 gives 30, not 30.000000000000004.
 */
export function toMinorUnits(amount: unknown, currency: string): number | undefined {
  if (amount === undefined || amount === null || amount === '') return undefined;
  let text: string;
  if (typeof amount === 'number') text = numberToDecimal(amount);
  else if (typeof amount === 'string') text = amount.trim().replace(/_/g, '');
  else throw new HubError('invalid_data', 'invalid_amount', `amount must be a number or decimal string`);
  const match = decimalPattern.exec(text);
  if (!match) throw new HubError('invalid_data', 'invalid_amount', `"${text}" is not a decimal amount`);
  const digits = currencyDigits(currency);
  const [, sign, whole, fraction = ''] = match;
  const kept = fraction.slice(0, digits).padEnd(digits, '0');
  let units = BigInt(whole + kept);
  if (fraction.length > digits && fraction.charCodeAt(digits) >= 53 /* '5' */) units += 1n;
  const result = Number(sign === '-' ? -units : units);
  if (!Number.isSafeInteger(result)) {
    throw new HubError('invalid_data', 'invalid_amount', `amount ${text} ${currency} is too large`);
  }
  return result === 0 ? 0 : result;
}
