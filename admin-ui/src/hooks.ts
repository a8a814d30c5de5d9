import { useCallback, useEffect, useRef, useState } from 'react';

/**
 * Loads with `load` now, again whenever `deps` change, and every `pollMs` when given (live counts).
 * Loads are numbered as they start. An answer is shown only if it is for the current deps and no
 * later load has answered yet: a search made before the current one, or a poll overtaken by a
 * reload, that answers late is dropped. (Dropping every answer but the latest load's instead would
 * show nothing at all once each poll takes longer than `pollMs`.)
 */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[], pollMs?: number) {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<string>();
  const loadRef = useRef(load);
  loadRef.current = load;
  const loads = useRef({ started: 0, firstForDeps: 1, shown: 0 });
  const reload = useCallback(async () => {
    const request = ++loads.current.started;
    const show = (apply: () => void) => {
      if (request < loads.current.firstForDeps || request <= loads.current.shown) return;
      loads.current.shown = request;
      apply();
    };
    try {
      const answer = await loadRef.current();
      show(() => {
        setData(answer);
        setError(undefined);
      });
    } catch (caught) {
      show(() => setError((caught as Error).message));
    }
  }, []);
  // The caller names what reloads (deps).
  useEffect(() => {
    loads.current.firstForDeps = loads.current.started + 1;
    reload();
    if (!pollMs) return;
    const timer = setInterval(reload, pollMs);
    return () => clearInterval(timer);
  }, deps);
  return { data, error, reload };
}
