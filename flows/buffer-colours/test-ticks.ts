import { vi } from 'vitest';
import type { Flow } from '../../core/flow/define.ts';
import { startFlowRun } from '../../core/flow/runner.ts';
import type { Hub } from '../../core/runtime/hub.ts';
import type { MemorySystem } from '../../tests/support/memory-system.ts';

/** Monday 1 March 2027: an order due Thursday 11 March has all 8 working days of its buffer ahead. */
export const MONDAY = new Date(2027, 2, 1, 10);
/** Tuesday 9 March: 2 working days left to 11 March, 6 of 8 consumed. */
export const NEXT_TUESDAY = new Date(2027, 2, 9, 10);

/** The hub's date is `date` from now on (timers still run); the tests move it to let buffers burn. */
export function setToday(date: Date): void {
  vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
  vi.setSystemTime(date);
}

/** Starts one run of a scheduled flow per call, as the scheduler does at each tick. */
export function cronTicks(hub: Hub, flow: Flow) {
  let ticks = 0;
  return () => {
    const at = new Date().toISOString();
    return startFlowRun(hub, flow, { kind: 'cron', at }, `cron:${at}:${++ticks}`);
  };
}

/** A record of a memory system's stream by its id, and the write calls the stream has had. */
export function streamOf(system: MemorySystem, stream: string) {
  return {
    record: (id: string) => system.list(stream).find((record) => record.id === id)!,
    writes: () => system.writeCalls.filter((call) => call.stream === stream),
  };
}
