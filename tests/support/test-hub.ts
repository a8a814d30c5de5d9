import { loadEnv } from '../../core/config/env.ts';
import type { Connector } from '../../core/connector/types.ts';
import type { QueuePort } from '../../core/queue/port.ts';
import { type Hub, openHub } from '../../core/runtime/hub.ts';
import { startWorkers } from '../../core/runtime/worker.ts';
import type { Store } from '../../core/store/index.ts';
import { resetCircuits } from '../../core/sync/circuit.ts';
import { memoryConnector } from './memory-system.ts';

export interface TestHub {
  hub: Hub;
  stop(): Promise<void>;
}

/** A hub with workers running, on the given drivers, knowing the in-memory test connector. */
export async function startTestHub(options: {
  store: Store;
  queue: QueuePort;
  connectors?: Connector<unknown>[];
  workers?: boolean;
  mappingsRoot?: string;
}): Promise<TestHub> {
  resetCircuits();
  const hub = await openHub(loadEnv({ HUB_PENDING_REF_TIMEOUT_MS: '3600000' }), {
    store: options.store,
    queue: options.queue,
    connectors: options.connectors ?? [memoryConnector as Connector<unknown>],
    mappingsRoot: options.mappingsRoot ?? 'tests/support/mappings',
  });
  const workers = options.workers === false ? undefined : await startWorkers(hub);
  return {
    hub,
    async stop() {
      await workers?.stop();
      await hub.close();
    },
  };
}

export async function eventually<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 15_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline)
      throw new Error(`${what} not reached within ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Store × queue pairs to run a suite on: embedded + in-process always, PostgreSQL + BullMQ when configured. */
export function hubDriverPairs<S extends { name: string }, Q extends { name: string }>(
  stores: S[],
  queues: Q[],
): Array<{ label: string; store: S; queue: Q }> {
  const pairs = [{ label: `${stores[0]!.name}+${queues[0]!.name}`, store: stores[0]!, queue: queues[0]! }];
  const lastStore = stores[stores.length - 1]!;
  const lastQueue = queues[queues.length - 1]!;
  if (stores.length > 1 || queues.length > 1)
    pairs.push({ label: `${lastStore.name}+${lastQueue.name}`, store: lastStore, queue: lastQueue });
  return pairs;
}
