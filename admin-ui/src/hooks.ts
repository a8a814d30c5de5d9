import { useCallback, useEffect, useRef, useState } from 'react';

/** Loads with `load` now, again whenever `deps` change, and every `pollMs` when given (live counts). */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[], pollMs?: number) {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<string>();
  const loadRef = useRef(load);
  loadRef.current = load;
  const reload = useCallback(async () => {
    try {
      setData(await loadRef.current());
      setError(undefined);
    } catch (caught) {
      setError((caught as Error).message);
    }
  }, []);
  // The caller names what reloads (deps).
  useEffect(() => {
    reload();
    if (!pollMs) return;
    const timer = setInterval(reload, pollMs);
    return () => clearInterval(timer);
  }, deps);
  return { data, error, reload };
}
