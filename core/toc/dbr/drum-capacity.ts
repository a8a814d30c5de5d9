// Free minutes below this are float noise: the day counts as full.
const NOISE = 1e-9;

export interface DayAllocation {
  day: number;
  minutes: number;
}

/**
 * Free constraint minutes per working day. A Fenwick tree answers "how much is free up to day d"
 * and two path-compressed pointer arrays skip full days in either direction, so each pass costs
 * about O(days touched · log days) however overloaded the drum is.
 */
export class DrumCapacity {
  private readonly free: Float64Array;
  private readonly tree: Float64Array;
  /** prevOpen[d + 1] leads to the latest open day ≤ d (position 0 means none). */
  private readonly prevOpen: Int32Array;
  /** nextOpen[d] leads to the earliest open day ≥ d (position `days` means none). */
  private readonly nextOpen: Int32Array;

  constructor(
    readonly days: number,
    perDay: number,
  ) {
    this.free = new Float64Array(days).fill(perDay);
    this.tree = new Float64Array(days + 1);
    for (let i = 1; i <= days; i += 1) {
      this.tree[i] += perDay;
      const parent = i + (i & -i);
      if (parent <= days) this.tree[parent] += this.tree[i];
    }
    this.prevOpen = Int32Array.from({ length: days + 1 }, (_, i) => i);
    this.nextOpen = Int32Array.from({ length: days + 1 }, (_, i) => i);
  }

  /**
   * Backward pass: fills from `lastDay` towards day 0. Returns the allocations (earliest first), or
   * null, taking nothing, when the free minutes up to `lastDay` cannot hold `minutes`.
   */
  takeBackward(lastDay: number, minutes: number): DayAllocation[] | null {
    if (lastDay < 0 || this.freeUpTo(lastDay) < minutes - NOISE) return null;
    const allocations: DayAllocation[] = [];
    let need = minutes;
    for (let day = this.latestOpen(lastDay); need > NOISE && day >= 0; day = this.latestOpen(day - 1)) {
      const taken = this.take(day, need);
      allocations.push({ day, minutes: taken });
      need -= taken;
    }
    return allocations.reverse();
  }

  /** Forward pass: the earliest free minutes from day 0 on. */
  takeForward(minutes: number): DayAllocation[] {
    const allocations: DayAllocation[] = [];
    let need = minutes;
    for (let day = this.earliestOpen(0); need > NOISE; day = this.earliestOpen(day + 1)) {
      if (day >= this.days) throw new RangeError('drum horizon too short for the forward pass');
      const taken = this.take(day, need);
      allocations.push({ day, minutes: taken });
      need -= taken;
    }
    return allocations;
  }

  private take(day: number, need: number): number {
    const available = this.free[day];
    const taken = available - need <= NOISE ? available : need;
    const left = available - taken;
    this.free[day] = left;
    for (let i = day + 1; i <= this.days; i += i & -i) this.tree[i] -= taken;
    if (left <= NOISE) {
      this.prevOpen[day + 1] = day;
      this.nextOpen[day] = day + 1;
    }
    return taken;
  }

  private freeUpTo(day: number): number {
    let sum = 0;
    for (let i = Math.min(day, this.days - 1) + 1; i > 0; i -= i & -i) sum += this.tree[i];
    return sum;
  }

  private latestOpen(day: number): number {
    return findRoot(this.prevOpen, Math.min(day, this.days - 1) + 1) - 1;
  }

  private earliestOpen(day: number): number {
    return findRoot(this.nextOpen, Math.min(day, this.days));
  }
}

function findRoot(parents: Int32Array, start: number): number {
  let node = start;
  while (parents[node] !== node) {
    parents[node] = parents[parents[node]];
    node = parents[node];
  }
  return node;
}
