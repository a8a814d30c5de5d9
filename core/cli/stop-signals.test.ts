import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { abortOnSignals } from './stop-signals.ts';

function fakeProcess() {
  const source = new EventEmitter();
  const exit = vi.fn();
  const stop = abortOnSignals({ source, exit });
  return { source, exit, stop };
}

describe('abortOnSignals', () => {
  it('aborts on the first Ctrl-C and exits 130 at once on the second', () => {
    const { source, exit, stop } = fakeProcess();
    source.emit('SIGINT');
    expect(stop.signal.aborted).toBe(true);
    expect(stop.exitCode()).toBe(130);
    expect(exit).not.toHaveBeenCalled();
    source.emit('SIGINT');
    expect(exit).toHaveBeenCalledWith(130);
  });

  it('answers SIGTERM with 143 and leaves the signals alone once disposed', () => {
    const { source, exit, stop } = fakeProcess();
    expect(stop.exitCode()).toBeUndefined();
    source.emit('SIGTERM');
    expect(stop.exitCode()).toBe(143);
    stop.dispose();
    expect(source.listenerCount('SIGINT') + source.listenerCount('SIGTERM')).toBe(0);
    expect(exit).not.toHaveBeenCalled();
  });
});
