import type { HubEnv } from '../core/config/env.ts';
import { logger } from '../core/log/logger.ts';
import { type Hub, openHub } from '../core/runtime/hub.ts';
import { type RunningHub, runHub } from '../core/runtime/process.ts';
import { openStore, storeOptionsFromEnv } from '../core/store/index.ts';
import { createDemoAdmin } from './admin.ts';
import { createDemoConnections, demoConnectionIds } from './connections.ts';
import { generateDemoData } from './data/generate.ts';
import { stampHubIds } from './hub-ids.ts';
import { runInitialSync, type SyncProgress } from './initial-sync.ts';
import { type DemoSandboxes, startSandboxes } from './sandboxes.ts';
import { startSimulator } from './simulator.ts';

export interface DemoOptions {
  env: HubEnv;
  /** Use DATABASE_URL and REDIS_URL; otherwise PGlite in memory and the in-process queue. */
  services?: boolean;
  /** HTTP port of the hub; 0 picks a free one. */
  port: number;
  /** @defaultValue 42 */
  seed?: number;
  /** Pause between simulator rounds; 0 turns the simulator off. @defaultValue 5000 */
  simulateEveryMs?: number;
  onSyncProgress?: (progress: SyncProgress) => void;
  onSimulated?: (events: string[]) => void;
}

export interface RunningDemo {
  url: string;
  hub: Hub;
  sandboxes: DemoSandboxes;
  admin: { email: string; password: string; token: string; tokenFile: string };
  initialSync: Awaited<ReturnType<typeof runInitialSync>>;
  stop(): Promise<void>;
}

/**
 * The whole demo in this process: the hub (API and workers) answers first, then the sandboxes
 * start with the demo company, the connections are made and synced once, and the simulator keeps
 * the systems busy. stop() ends everything in reverse order.
 */
export async function startDemo(options: DemoOptions): Promise<RunningDemo> {
  const seed = options.seed ?? 42;
  const env: HubEnv = options.services
    ? options.env
    : { ...options.env, DATABASE_URL: undefined, REDIS_URL: undefined };
  const store = options.services
    ? undefined
    : await openStore({ ...storeOptionsFromEnv(env), inMemory: true });
  const hub = await openHub(env, { store });
  const running: RunningHub = await runHub(hub, { api: true, workers: true, port: options.port });
  const data = generateDemoData(seed, new Date().toISOString().slice(0, 10));
  let sandboxes: DemoSandboxes | undefined;
  let simulator: { stop(): Promise<void> } | undefined;
  const stop = async () => {
    await simulator?.stop();
    await running.stop();
    await sandboxes?.close();
  };
  try {
    sandboxes = await startSandboxes(data);
    await createDemoConnections(hub, sandboxes);
    const admin = await createDemoAdmin(hub);
    const initialSync = await runInitialSync(hub, options.onSyncProgress);
    await stampHubIds(hub.store.db, sandboxes.salesforce.org, demoConnectionIds.salesforce);
    const every = options.simulateEveryMs ?? 5_000;
    if (every > 0)
      simulator = startSimulator(hub, data, sandboxes, {
        seed,
        intervalMs: every,
        onEvents: options.onSimulated,
      });
    return { url: running.url!, hub, sandboxes, admin, initialSync, stop };
  } catch (error) {
    await stop().catch((stopError: unknown) =>
      logger.warn('demo did not stop cleanly', { error: stopError }),
    );
    throw error;
  }
}
