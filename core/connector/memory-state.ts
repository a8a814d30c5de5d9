import type { ConnectionState, JsonValue } from './types.ts';

/** ConnectionState for tests and single-process use: a map and a promise-chain lock per key. */
export function createMemoryState(): ConnectionState {
  const values = new Map<string, JsonValue>();
  const locks = new Map<string, Promise<unknown>>();
  return {
    async get<T extends JsonValue>(key: string) {
      return values.get(key) as T | undefined;
    },
    async set(key, value) {
      values.set(key, value);
    },
    async withLock<T>(key: string, fn: () => Promise<T>) {
      const previous = locks.get(key) ?? Promise.resolve();
      const next = previous.catch(() => undefined).then(fn);
      locks.set(key, next);
      try {
        return await next;
      } finally {
        if (locks.get(key) === next) locks.delete(key);
      }
    },
  };
}
