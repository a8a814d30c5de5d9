/**
 * Remembers a pure string function's results. Master data repeats itself (cities, countries,
 * brands, legal forms), so matching 100,000 records calls the same normalizer on the same text
 * many times. The cache is emptied when full, which keeps memory bounded.
 */
export function memoize<T>(fn: (text: string) => T, limit = 100_000): (text: string) => T {
  const cache = new Map<string, T>();
  return (text: string) => {
    const hit = cache.get(text);
    if (hit !== undefined || cache.has(text)) return hit as T;
    const value = fn(text);
    if (cache.size >= limit) cache.clear();
    cache.set(text, value);
    return value;
  };
}
