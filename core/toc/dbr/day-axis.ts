import { type Calendar, epochDay, fromEpochDay, isWorkingDay } from '../calendar.ts';

/**
 * The days a resource can work, numbered from 0: the first working day on or after `asOf`.
 * Without a calendar every calendar day counts. Grows on demand as later days are asked for.
 */
export class DayAxis {
  private readonly days: number[] = [];
  private readonly labels: string[] = [];
  private readonly calendar?: Calendar;

  constructor(asOf: string, calendar?: Calendar) {
    this.calendar = calendar;
    let day = epochDay(asOf);
    while (!this.works(day)) day += 1;
    this.days.push(day);
  }

  /** The date of working day `index` (index ≥ 0). */
  date(index: number): string {
    this.extendTo(index);
    this.labels[index] ??= fromEpochDay(this.days[index]);
    return this.labels[index];
  }

  /** The last working day on or before `date`; −1 when that is before day 0. */
  floorIndex(date: string): number {
    const target = epochDay(date);
    while (this.days[this.days.length - 1] < target) this.extendTo(this.days.length);
    let low = -1;
    let high = this.days.length - 1;
    while (low < high) {
      const middle = Math.ceil((low + high) / 2);
      if (this.days[middle] <= target) low = middle;
      else high = middle - 1;
    }
    return low;
  }

  private extendTo(index: number): void {
    while (this.days.length <= index) {
      let day = this.days[this.days.length - 1] + 1;
      while (!this.works(day)) day += 1;
      this.days.push(day);
    }
  }

  private works(day: number): boolean {
    return !this.calendar || isWorkingDay(fromEpochDay(day), this.calendar);
  }
}
