import { describe, expect, it } from 'vitest';
import { addDays, calendarSchema, diffDays, isoDateSchema, workingDayOnOrBefore } from './calendar.ts';

const weekdays = calendarSchema.parse({ holidays: ['2026-12-25'] });

describe('calendar', () => {
  it('adds calendar days across month and year ends', () => {
    expect(addDays('2026-12-30', 3)).toBe('2027-01-02');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
  });

  it('adds working days skipping weekends and holidays', () => {
    // 2026-12-24 is a Thursday; 25th is a holiday, 26/27 the weekend.
    expect(addDays('2026-12-24', 1, weekdays)).toBe('2026-12-28');
    expect(addDays('2026-12-28', -1, weekdays)).toBe('2026-12-24');
  });

  it('diffDays is the inverse of addDays', () => {
    expect(diffDays('2026-12-24', '2026-12-28', weekdays)).toBe(1);
    expect(diffDays('2026-12-28', '2026-12-24', weekdays)).toBe(-1);
    expect(diffDays('2026-01-01', '2026-01-31')).toBe(30);
  });

  it('workingDayOnOrBefore steps back from a weekend or holiday to the last working day', () => {
    expect(workingDayOnOrBefore('2026-12-27', weekdays)).toBe('2026-12-24');
    expect(workingDayOnOrBefore('2026-12-24', weekdays)).toBe('2026-12-24');
    expect(workingDayOnOrBefore('2026-12-27')).toBe('2026-12-27');
  });

  it('rejects impossible dates', () => {
    expect(isoDateSchema.safeParse('2026-02-30').success).toBe(false);
    expect(isoDateSchema.safeParse('2026-02-28').success).toBe(true);
  });
});
