import { type HubEnv, loadEnv } from '../config/env.ts';
import { logger } from '../log/logger.ts';
import { openQueue } from '../queue/index.ts';
import type { QueuePort } from '../queue/port.ts';
import { openStore, type Store, storeOptionsFromEnv } from '../store/index.ts';

/** Everything a process of the hub needs, opened once at start-up. */
export interface Hub {
  env: HubEnv;
  store: Store;
  queue: QueuePort;
  mode: 'embedded' | 'services';
  close(): Promise<void>;
}

export async function openHub(env: HubEnv = loadEnv(), overrides: { store?: Store; queue?: QueuePort } = {}): Promise<Hub> {
  const store = overrides.store ?? (await openStore(storeOptionsFromEnv(env)));
  const queue = overrides.queue ?? openQueue({ redisUrl: env.REDIS_URL });
  const mode = env.DATABASE_URL || env.REDIS_URL ? 'services' : 'embedded';
  logger.info('hub opened', { mode, store: store.db.driver, queue: queue.driver });
  let closed = false;
  return {
    env,
    store,
    queue,
    mode,
    async close() {
      if (closed) return;
      closed = true;
      await queue.close();
      await store.close();
    },
  };
}
