import { type HubEnv, loadEnv } from '../config/env.ts';
import { type ConnectorCatalog, createCatalog } from '../connector/catalog.ts';
import type { Connector } from '../connector/types.ts';
import { logger } from '../log/logger.ts';
import { openQueue } from '../queue/index.ts';
import type { QueuePort } from '../queue/port.ts';
import { openStore, type Store, storeOptionsFromEnv } from '../store/index.ts';

/** Everything a process of the hub needs, opened once at start-up. */
export interface Hub {
  env: HubEnv;
  store: Store;
  queue: QueuePort;
  connectors: ConnectorCatalog;
  /** Folder of the default mapping files. @defaultValue 'mappings' */
  mappingsRoot: string;
  mode: 'embedded' | 'services';
  close(): Promise<void>;
}

async function defaultConnectors(): Promise<Connector<unknown>[]> {
  const registry = await import('../../connectors/registry.ts');
  return registry.listConnectors();
}

export async function openHub(
  env: HubEnv = loadEnv(),
  overrides: {
    store?: Store;
    queue?: QueuePort;
    connectors?: Connector<unknown>[];
    mappingsRoot?: string;
  } = {},
): Promise<Hub> {
  const connectors = createCatalog(overrides.connectors ?? (await defaultConnectors()));
  const store = overrides.store ?? (await openStore(storeOptionsFromEnv(env)));
  const queue = overrides.queue ?? openQueue({ redisUrl: env.REDIS_URL, prefix: env.HUB_QUEUE_PREFIX });
  const mode = env.DATABASE_URL || env.REDIS_URL ? 'services' : 'embedded';
  logger.info('hub opened', { mode, store: store.db.driver, queue: queue.driver });
  let closed = false;
  return {
    env,
    store,
    queue,
    connectors,
    mappingsRoot: overrides.mappingsRoot ?? 'mappings',
    mode,
    async close() {
      if (closed) return;
      closed = true;
      await queue.close();
      await store.close();
    },
  };
}
