import { describe, expect, it } from 'vitest';
import { normalizePhone } from './helpers.ts';
import { currencyDigits, toMinorUnits } from './minor-units.ts';
import { parseDate } from './parse-date.ts';

describe('toMinorUnits', () => {
  it('converts decimal strings and numbers without float drift', () => {
    expect(toMinorUnits('1234.56', 'EUR')).toBe(123456);
    expect(toMinorUnits(0.1 + 0.2, 'EUR')).toBe(30);
    expect(toMinorUnits(1.005, 'EUR')).toBe(101);
    expect(toMinorUnits(19.99, 'USD')).toBe(1999);
    expect(toMinorUnits('-0.5', 'EUR')).toBe(-50);
    expect(toMinorUnits('-0.001', 'EUR')).toBe(0);
    expect(toMinorUnits(1e-7, 'EUR')).toBe(0);
    expect(toMinorUnits('1_000.5', 'EUR')).toBe(100050);
  });

  it('uses the currency’s minor-unit digits and rounds half away from zero', () => {
    expect(currencyDigits('JPY')).toBe(0);
    expect(currencyDigits('BHD')).toBe(3);
    expect(toMinorUnits('1999', 'JPY')).toBe(1999);
    expect(toMinorUnits('1999.5', 'JPY')).toBe(2000);
    expect(toMinorUnits('1.2345', 'BHD')).toBe(1235);
    expect(toMinorUnits('-1.2345', 'BHD')).toBe(-1235);
    expect(toMinorUnits('12.344', 'EUR')).toBe(1234);
  });

  it('keeps empties empty and rejects what is not an amount', () => {
    expect(toMinorUnits(undefined, 'EUR')).toBeUndefined();
    expect(toMinorUnits('', 'EUR')).toBeUndefined();
    expect(() => toMinorUnits('1,5', 'EUR')).toThrow(/not a decimal amount/);
    expect(() => toMinorUnits('9007199254740993', 'EUR')).toThrow(/too large/);
    expect(() => toMinorUnits(Number.NaN, 'EUR')).toThrow(/not finite/);
    expect(() => toMinorUnits('1', 'euro')).toThrow(/ISO 4217/);
  });
});

describe('parseDate', () => {
  it('reads wall-clock time in the given zone, across daylight saving time', () => {
    expect(parseDate('2025-01-15 08:00', 'Europe/Berlin')).toBe('2025-01-15T08:00:00+01:00');
    expect(parseDate('2025-07-15T08:00:00', 'Europe/Berlin')).toBe('2025-07-15T08:00:00+02:00');
    expect(parseDate('2025-07-15', 'America/New_York')).toBe('2025-07-15T00:00:00-04:00');
    expect(parseDate('2025-03-09 12:00', 'Asia/Kolkata')).toBe('2025-03-09T12:00:00+05:30');
  });

  it('keeps the instant of text with a zone and renders it in the target zone', () => {
    expect(parseDate('2025-07-15T06:00:00Z', 'Europe/Berlin')).toBe('2025-07-15T08:00:00+02:00');
    expect(parseDate('2025-07-15T08:00:00.250-05:00', 'UTC')).toBe('2025-07-15T13:00:00.250+00:00');
  });

  it('reads European, US and OData date forms and epoch milliseconds', () => {
    expect(parseDate('31.12.2025 17:45', 'Europe/Berlin')).toBe('2025-12-31T17:45:00+01:00');
    expect(parseDate('12/31/2025', 'UTC')).toBe('2025-12-31T00:00:00+00:00');
    expect(parseDate('31/12/2025', 'UTC', 'DMY')).toBe('2025-12-31T00:00:00+00:00');
    expect(parseDate('/Date(1735689600000)/', 'Europe/Berlin')).toBe('2025-01-01T01:00:00+01:00');
    expect(parseDate(1735689600000, 'UTC')).toBe('2025-01-01T00:00:00+00:00');
  });

  it('rejects impossible dates and unknown zones', () => {
    expect(() => parseDate('2025-02-30', 'UTC')).toThrow(/not a date/);
    expect(() => parseDate('13/13/2025', 'UTC')).toThrow(/not a date/);
    expect(() => parseDate('tomorrow', 'UTC')).toThrow(/not a date/);
    expect(() => parseDate('2025-01-01', 'Mars/Olympus')).toThrow(/IANA/);
    expect(parseDate(null, 'UTC')).toBeUndefined();
  });
});

describe('normalizePhone', () => {
  it('returns E.164, reading national numbers in the default region', () => {
    expect(normalizePhone('030 901820', 'DE')).toBe('+4930901820');
    expect(normalizePhone('+1 (212) 555-0123')).toBe('+12125550123');
    expect(normalizePhone('(212) 555-0123', 'US')).toBe('+12125550123');
  });

  it('keeps empties empty and rejects invalid numbers', () => {
    expect(normalizePhone('', 'DE')).toBeUndefined();
    expect(() => normalizePhone('12', 'DE')).toThrow(/not a valid phone number \(region DE\)/);
  });
});
