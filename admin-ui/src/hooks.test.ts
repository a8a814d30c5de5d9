import { afterEach, describe, expect, it, vi } from 'vitest';

// No DOM here: a one-component stand-in for React keeps hook state by call order and runs an
// effect (after its cleanup) when its deps changed, as React does.
const react = vi.hoisted(() => {
  let slots: unknown[] = [];
  let effects: Array<{ deps: unknown[]; cleanup?: () => void }> = [];
  let at = 0;
  let effectAt = 0;
  const slot = <T>(initial: () => T): T => {
    const index = at++;
    if (!(index in slots)) slots[index] = initial();
    return slots[index] as T;
  };
  return {
    reset() {
      for (const effect of effects) effect.cleanup?.();
      slots = [];
      effects = [];
    },
    render<T>(component: () => T): T {
      at = 0;
      effectAt = 0;
      return component();
    },
    useState<T>(initial?: T) {
      const cell = slot(() => ({ value: initial }));
      return [cell.value, (value: T) => (cell.value = value)] as const;
    },
    useRef: <T>(initial: T) => slot(() => ({ current: initial })),
    useCallback: <T>(fn: T) => slot(() => fn),
    useEffect(run: () => undefined | (() => void), deps: unknown[]) {
      const index = effectAt++;
      const previous = effects[index];
      if (previous && deps.every((dep, i) => Object.is(dep, previous.deps[i]))) return;
      previous?.cleanup?.();
      effects[index] = { deps, cleanup: run() ?? undefined };
    },
  };
});
vi.mock('react', () => react);
const { useLoad } = await import('./hooks.ts');

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

afterEach(() => {
  react.reset();
  vi.useRealTimers();
});

describe('useLoad', () => {
  it('drops a late answer to a search made before the current one', async () => {
    const answers = { pumps: deferred<string[]>(), valves: deferred<string[]>() };
    const page = (q: 'pumps' | 'valves') => react.render(() => useLoad(() => answers[q].promise, [q]));
    page('pumps');
    page('valves');
    answers.valves.resolve(['Valve DN50']);
    await settle();
    answers.pumps.resolve(['Pump P-100']);
    await settle();
    expect(page('valves').data).toEqual(['Valve DN50']);
  });

  it('drops a poll that answers after a later reload, yet shows polls slower than their interval', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const pending: Array<ReturnType<typeof deferred<number>>> = [];
    const load = () => {
      pending.push(deferred<number>());
      return pending.at(-1)!.promise;
    };
    const page = () => react.render(() => useLoad(load, [], 2000));
    page();
    vi.advanceTimersByTime(2000); // a second poll starts before the first answered
    pending[0]!.resolve(1);
    await settle();
    expect(page().data).toBe(1);
    const reload = page().reload();
    pending[2]!.resolve(3);
    await reload;
    pending[1]!.resolve(2); // the poll started before the reload answers after it
    await settle();
    expect(page().data).toBe(3);
  });
});
